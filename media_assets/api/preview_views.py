"""The previews of a file, on /files/<id>/previews/ and (for a catalog asset's file) /assets/<id>/previews/.

`GET previews/` lists them with an overall status, `POST previews/`
(optionally `{"kinds": [...]}`) makes them again (202), and
`GET previews/<kind>/` serves one rendition's bytes with HTTP Range, or a
redirect to a short-lived signed URL on S3/Azure (as downloads do), or a
404 naming its status while it is not ready. `previews/<kind>/<name>`
serves the file's rendition stored as `<name>`, so the sprite track's
relative cue URLs (`sprite.jpg#xywh=…`) resolve from the track's URL.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import re_path
from django.http import Http404, HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.renderers import BinaryRenderer
from config.api.streaming import stream_file
from media_assets.api.preview_serializers import PreviewsRemakeSerializer, PreviewsSerializer
from media_assets.previews.kinds import KIND_NAMES
from media_assets.previews.models import Rendition, RenditionStatus
from media_assets.previews.services import previews_queue, previews_status
from media_assets.storage import open_stored, signed_url

NOT_READY = OpenApiResponse(description="No such preview for this file, or not ready: `detail` says which status.")
KIND_PATTERN = r"[a-z][a-z-]{0,31}"
#: previews/<kind>/<stored name>, e.g. previews/sprite-vtt/sprite.jpg
SIBLING_PATTERN = rf"previews/(?P<kind>{KIND_PATTERN})/(?P<filename>[a-z-]{{1,40}}\.[a-z0-9]{{1,5}})"


def rendition_response(request, rendition: Rendition):
    """The rendition's bytes (Range supported), or a redirect to a signed URL of them on S3/Azure."""
    filename = rendition.storage_name.rsplit("/", 1)[-1]
    try:
        handle, size = open_stored(rendition.storage_name)
    except (FileNotFoundError, OSError):
        raise Http404("The preview is missing from storage; make it again with POST previews/.") from None
    url = signed_url(rendition.storage_name, filename) if settings.MEDIA_DOWNLOAD_REDIRECT else None
    if url:
        handle.close()
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    return stream_file(request, handle, size=size, filename=filename, content_type=rendition.content_type,
                       as_attachment=False)


def sibling_routes(prefix: str, viewset, basename: str) -> list:
    """The routes of `preview_sibling` under /<prefix>/<id>/ (no trailing slash: it ends in a file name)."""
    view = viewset.as_view({"get": "preview_sibling"}, renderer_classes=[BinaryRenderer, JSONRenderer])
    return [re_path(rf"^{prefix}/(?P<pk>[0-9]+)/{SIBLING_PATTERN}$", view, name=f"{basename}-preview-sibling")]


class PreviewActionsMixin:
    """previews/, previews/<kind>/ on a viewset whose object has a File (`preview_file(obj)`)."""

    preview_basename = ""

    def preview_file(self, obj):
        return obj

    def _preview_target(self):
        obj = self.get_object()
        file = self.preview_file(obj)
        if file is None:
            raise ValidationError({"file": ["This asset has no media file, so it has no previews."]})
        return obj, file

    @extend_schema(request=PreviewsRemakeSerializer, responses={200: PreviewsSerializer, 202: PreviewsSerializer,
                                                                400: OpenApiResponse(description="An unknown kind")})
    @action(detail=True, methods=["get", "post"])
    def previews(self, request, *args, **kwargs):
        """The file's previews (thumbnails, proxy, sprite and its WebVTT track, waveform) and their status;
        POST makes them again (all, or `kinds`), answering 202."""
        obj, file = self._preview_target()
        if request.method == "POST":
            params = PreviewsRemakeSerializer(data=request.data if isinstance(request.data, dict) else {"kinds": None})
            params.is_valid(raise_exception=True)
            previews_queue(file=file, kinds=params.validated_data.get("kinds"))
        renditions = sorted(Rendition.objects.filter(file=file), key=lambda row: KIND_NAMES.index(row.kind)
                            if row.kind in KIND_NAMES else len(KIND_NAMES))
        context = {**self.get_serializer_context(), "preview_route": (self.preview_basename, obj.pk)}
        data = PreviewsSerializer({"status": previews_status(renditions), "previews": renditions},
                                  context=context).data
        return Response(data, status=status.HTTP_202_ACCEPTED if request.method == "POST" else status.HTTP_200_OK)

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The preview's bytes."),
                              302: OpenApiResponse(description="S3/Azure: a short-lived signed URL"), 404: NOT_READY})
    @action(detail=True, methods=["get"], url_path=rf"previews/(?P<kind>{KIND_PATTERN})", url_name="preview",
            renderer_classes=[BinaryRenderer, JSONRenderer])
    def preview(self, request, *args, kind=None, **kwargs):
        """One preview's bytes (HTTP Range supported, so a <video> can seek in the proxy)."""
        _obj, file = self._preview_target()
        rendition = Rendition.objects.filter(file=file, kind=kind).first()
        if rendition is None:
            raise NotFound(f"This file has no {kind} preview." if kind in KIND_NAMES else
                           f"There is no preview kind {kind!r}; the kinds are {', '.join(KIND_NAMES)}.")
        if rendition.status != RenditionStatus.READY:
            detail = f"The {kind} preview is {rendition.status}, not ready yet."
            if rendition.status == RenditionStatus.FAILED:
                detail = f"The {kind} preview failed: {rendition.error}"
            raise NotFound(detail)
        return rendition_response(request, rendition)

    @extend_schema(exclude=True)
    def preview_sibling(self, request, *args, kind=None, filename=None, **kwargs):
        """The file's rendition stored as `filename` (what a track's relative URL names, e.g. sprite.jpg).

        Routed by media_assets/api/urls.py without a trailing slash (`SIBLING_PATTERN`), as a relative URL
        resolved against the track's URL gives it."""
        _obj, file = self._preview_target()
        for rendition in Rendition.objects.filter(file=file, status=RenditionStatus.READY):
            if rendition.storage_name.rsplit("/", 1)[-1] == filename:
                return rendition_response(request, rendition)
        raise NotFound(f"This file has no ready preview named {filename}.")
