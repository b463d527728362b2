"""Playlists (`/playlists/`, shared like their catalog) and share links (`/share-links/`, their maker's)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from config.api.sharing import SharedModelViewSet
from config.api.viewsets import OwnedModelViewSet
from sharing import services
from sharing.access import PLAYLIST
from sharing.api.serializers import (
    PlaylistItemAddSerializer,
    PlaylistItemMoveSerializer,
    PlaylistSerializer,
    ShareAccessSerializer,
    ShareLinkSerializer,
)
from sharing.models import Playlist, PlaylistItem, ShareAccess, ShareLink


class PlaylistViewSet(SharedModelViewSet):
    """Review playlists: an ordered list of one catalog's assets, each with a note.

    Readable by whoever reads the catalog; its owner and editors change it.
    """

    queryset = Playlist.objects.select_related("owner").prefetch_related(
        Prefetch("items", queryset=PlaylistItem.objects.select_related("asset").order_by("position")))
    serializer_class = PlaylistSerializer
    sharing = PLAYLIST
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        items = serializer.validated_data.pop("items", None) or []
        with transaction.atomic():
            playlist = serializer.save(owner=self.request.user)
            services.playlist_items_set(playlist=playlist, items=items)

    def perform_update(self, serializer):
        items = serializer.validated_data.pop("items", None)
        with transaction.atomic():
            playlist = serializer.save()
            if items is not None:
                services.playlist_items_set(playlist=playlist, items=items)

    def _answer(self, playlist, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=playlist.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=PlaylistItemAddSerializer, responses={201: PlaylistSerializer},
                   description="Add an asset of the playlist's catalog (at `position`, or the end).")
    @action(detail=True, methods=["post"], url_path="items")
    def items(self, request, pk=None):
        playlist = self.get_object()
        body = PlaylistItemAddSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        asset = body.validated_data["asset"]
        if asset.catalog_id != playlist.catalog_id:
            raise ValidationError({"asset": ["This asset is in another catalog than the playlist."]})
        services.playlist_item_add(playlist=playlist, asset=asset, note=body.validated_data.get("note", ""),
                                   position=body.validated_data.get("position"))
        return self._answer(playlist, status.HTTP_201_CREATED)

    @extend_schema(request=PlaylistItemMoveSerializer, responses={200: PlaylistSerializer},
                   description="Move the item at index `item` to index `position`.")
    @action(detail=True, methods=["post"], url_path="items/move")
    def items_move(self, request, pk=None):
        playlist = self.get_object()
        body = PlaylistItemMoveSerializer(data=request.data, context={"count": playlist.items.count()})
        body.is_valid(raise_exception=True)
        services.playlist_item_move(playlist=playlist, **body.validated_data)
        return self._answer(playlist)

    @extend_schema(request=None, responses={200: PlaylistSerializer},
                   description="Remove the item at index `index` (0-based); the others close up.")
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<index>[0-9]{1,6})")
    def items_remove(self, request, pk=None, index=None):
        playlist = self.get_object()
        index = int(index)
        if index >= playlist.items.count():
            raise NotFound(f"The playlist has no item {index}.")
        services.playlist_item_remove(playlist=playlist, item=index)
        return self._answer(playlist)


class ShareLinkViewSet(OwnedModelViewSet):
    """Share links: a guest with no account sees one asset, playlist or smart folder through `link`.

    The token is shown whole once, in the answer to POST; afterwards only
    `token_prefix`. `PATCH {"is_active": false}` or DELETE revokes at once.
    Only the target's owner and its catalog's editors make links.
    """

    queryset = ShareLink.objects.select_related("owner", "asset", "playlist", "smart_folder")
    serializer_class = ShareLinkSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expires_at = data.get("expires_at") or timezone.now() + timedelta(days=settings.SHARE_LINK_DEFAULT_DAYS)
        link, token = services.share_link_create(
            owner=request.user, target=data["target"], expires_at=expires_at, password=data.get("password", ""),
            can_comment=data.get("can_comment", False), can_download=data.get("can_download", False))
        answer = ShareLinkSerializer(link, context={**self.get_serializer_context(), "token": token})
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        revoke = serializer.validated_data.pop("is_active", None) is False
        with transaction.atomic():
            link = serializer.save()
            if revoke:
                services.share_link_revoke(link=link)

    @extend_schema(responses={200: ShareAccessSerializer(many=True)},
                   description="Each guest view of the link: time, IP address, guest name (newest first).")
    @action(detail=True, methods=["get"])
    def accesses(self, request, pk=None):
        link = self.get_object()
        page = self.paginate_queryset(ShareAccess.objects.filter(link=link))
        return self.get_paginated_response(ShareAccessSerializer(page, many=True).data)
