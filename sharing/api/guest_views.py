"""The guest side of share links: `/s/<token>/…`, with no account.

`GET /s/<token>/` describes what is shared (each item's name, timecode
format, duration, a short-lived signed preview URL a `<video>` element can
play, and its public comments); a password link
answers 401 until `POST /s/<token>/unlock/` succeeds for this browser
session; `GET /s/<token>/items/<n>/download/` when the link allows it;
`POST /s/<token>/items/<n>/comments/` leaves a guest's note when the link
allows comments (throttled per client address, `share_comment`);
`GET /s/media/<signature>/` streams a signed item's media. Everything
else — a revoked or expired link, an item number past the end, an
unsigned or stale media URL, comments on a link without `can_comment` —
is the same 404, and nothing beyond the
shared items can be named from here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.renderers import BinaryRenderer
from config.api.streaming import stream_file
from config.api.throttles import AnonRateThrottle
from media_assets.storage import open_stored
from media_assets.timecode import timecode_object
from sharing import services
from sharing.api.serializers import GuestCommentSerializer, UnlockSerializer
from sharing.guest import (
    link_for_token,
    link_unlock,
    link_unlocked,
    media_signature,
    media_signature_check,
    unlock_retry_after,
)
from sharing.guest_comments import guest_comment_create, guest_comment_data, public_comments_of
from sharing.models import ShareLink
from sharing.targets import link_assets

LOCKED = "This link is protected by a password: POST it to unlock/."


class GuestView(APIView):
    """No account, no token of the API: the share token in the URL is the only credential."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    def unlocked_link(self, request, token: str) -> ShareLink:
        link = link_for_token(token)
        if not link_unlocked(request, link):
            raise Locked
        return link

    def handle_exception(self, exc):
        if isinstance(exc, Locked):
            return Response({"detail": LOCKED, "password_required": True}, status=status.HTTP_401_UNAUTHORIZED)
        return super().handle_exception(exc)


class Locked(Exception):
    pass


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _item(request, link: ShareLink, index: int, asset, comments: list[dict]) -> dict:
    fmt = asset.timecode_format
    preview = None
    if asset.file_id is not None and asset.file is not None and asset.file.media:
        signature = media_signature(link=link, index=index, asset_id=asset.pk, purpose="preview")
        preview = request.build_absolute_uri(reverse("share-guest-media", kwargs={"signature": signature}))
    download = None
    if link.can_download and preview is not None:
        download = request.build_absolute_uri(
            reverse("share-guest-download", kwargs={"token": request.resolver_match.kwargs["token"], "index": index}))
    return {
        "index": index,
        "name": asset.name,
        "type": asset.type,
        "timecode_format": {"fmt": fmt.code, "label": fmt.label},
        "duration": {**timecode_object(asset.duration_frm, fmt), "frames": asset.duration_frm},
        "media_type": asset.file.media_type if asset.file_id and asset.file else "",
        "preview": preview,
        "download": download,
        "comments": comments,
    }


class GuestShareView(GuestView):
    @extend_schema(auth=[], responses={200: OpenApiTypes.OBJECT, 401: OpenApiResponse(description=LOCKED),
                                       404: OpenApiResponse(description="No such open link")},
                   description="What the link shares: its items with signed preview URLs valid for "
                               "SHARE_MEDIA_URL_SECONDS. `?name=` records the guest's name with the view.")
    def get(self, request, token: str):
        link = self.unlocked_link(request, token)
        guest_name = str(request.query_params.get("name", ""))[:255]
        access = services.share_view_record(link=link, ip=_client_ip(request), guest_name=guest_name)
        target = link.target
        assets = link_assets(link)
        comments = public_comments_of(assets)
        items = [_item(request, link, index, asset, comments[asset.pk]) for index, asset in enumerate(assets)]
        return Response({
            "type": link.target_type,
            "name": target.name,
            "expires_at": link.expires_at,
            "can_comment": link.can_comment,
            "can_download": link.can_download,
            "media_url_seconds": settings.SHARE_MEDIA_URL_SECONDS,
            "viewed_at": access.time,
            "items": items,
        })


class GuestUnlockView(GuestView):
    @extend_schema(auth=[], request=UnlockSerializer,
                   responses={200: OpenApiTypes.OBJECT, 401: OpenApiResponse(description="Wrong password"),
                              429: OpenApiResponse(description="Too many wrong passwords: see Retry-After")},
                   description="Unlock a password link for this browser session (a session cookie).")
    def post(self, request, token: str):
        link = link_for_token(token)
        wait = unlock_retry_after(link)
        if wait is not None:
            answer = Response({"detail": f"Too many wrong passwords; try again in {wait} seconds."},
                              status=status.HTTP_429_TOO_MANY_REQUESTS)
            answer["Retry-After"] = str(wait)
            return answer
        body = UnlockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not link_unlock(request, link, body.validated_data["password"]):
            return Response({"password": ["Wrong password."]}, status=status.HTTP_401_UNAUTHORIZED)
        return Response({"unlocked": True})


def _stream_asset(request, asset, *, as_attachment: bool):
    file = asset.file
    if file is None or not file.media:
        raise Http404
    try:
        handle, size = open_stored(file.media.name)
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = stream_file(request, handle, size=size, filename=file.name or asset.name, as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    return response


class GuestDownloadView(GuestView):
    renderer_classes = [BinaryRenderer, JSONRenderer]

    @extend_schema(auth=[], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                                       404: OpenApiResponse(description="No such item, or downloads not allowed")},
                   description="The item's media as a download, when the link allows downloads.")
    def get(self, request, token: str, index: int):
        link = self.unlocked_link(request, token)
        if not link.can_download:
            raise Http404
        assets = link_assets(link)
        if index >= len(assets):
            raise Http404
        return _stream_asset(request, assets[index], as_attachment=True)


class GuestCommentThrottle(AnonRateThrottle):
    """Guests' notes per client address (`API_THROTTLE_RATES["share_comment"]`)."""

    scope = "share_comment"


class GuestCommentView(GuestView):
    throttle_classes = [AnonRateThrottle, GuestCommentThrottle]

    @extend_schema(auth=[], request=GuestCommentSerializer,
                   responses={201: OpenApiTypes.OBJECT, 400: OpenApiResponse(description="Field errors"),
                              401: OpenApiResponse(description=LOCKED),
                              404: OpenApiResponse(description="No such item, or comments not allowed")},
                   description="Leave a public note on item `n` as a guest, when the link allows comments. "
                               "`frame`, `duration` and `annotation` follow the API's comment rules.")
    def post(self, request, token: str, index: int):
        link = self.unlocked_link(request, token)
        if not link.can_comment:
            raise Http404
        assets = link_assets(link)
        if index >= len(assets):
            raise Http404
        asset = assets[index]
        body = GuestCommentSerializer(data=request.data, context={"request": request, "asset": asset})
        body.is_valid(raise_exception=True)
        values = body.validated_data
        comment = guest_comment_create(
            asset=values["target"], guest_name=values["guest_name"], text=values["text"],
            frame=values.get("frame"), duration=values.get("duration", 0), annotation=values.get("annotation"))
        return Response(guest_comment_data(comment, asset), status=status.HTTP_201_CREATED)


class GuestMediaView(GuestView):
    renderer_classes = [BinaryRenderer, JSONRenderer]

    @extend_schema(auth=[], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                                       404: OpenApiResponse(description="Unsigned, expired or no longer shared")},
                   description="A shared item's media, inline (Range requests work), from a signed preview URL.")
    def get(self, request, signature: str):
        values = media_signature_check(signature, purpose="preview")
        link = ShareLink.objects.select_related("asset", "playlist", "smart_folder", "owner").filter(
            pk=values["l"]).first()
        if link is None or not link.is_open:
            raise Http404
        assets = link_assets(link)
        index = values["n"]
        if not isinstance(index, int) or not 0 <= index < len(assets) or assets[index].pk != values["a"]:
            raise Http404
        return _stream_asset(request, assets[index], as_attachment=False)
