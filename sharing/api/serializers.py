"""How playlists and share links are validated and represented."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import MAX_OBJECT_ID, parse_object_id
from media_assets.api.catalog_fields import SharedRelatedField
from media_assets.catalog.access import ASSET, CATALOG, SMART_FOLDER
from media_assets.catalog.models import Asset, Catalog, SmartFolder
from review.api.serializers import CommentSerializer
from review.models import Comment
from sharing.access import PLAYLIST
from sharing.models import Playlist, ShareAccess, ShareLink
from sharing.targets import target_editable_by

MAX_PLAYLIST_ITEMS = 1000


# --- playlists ---------------------------------------------------------------------------------


class PlaylistItemSerializer(serializers.Serializer):
    asset = SharedRelatedField(Asset, "asset-detail", ASSET)
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class PlaylistItemAddSerializer(PlaylistItemSerializer):
    position = serializers.IntegerField(min_value=0, required=False,
                                        help_text="Where to insert it (0 = first); the end by default.")


class PlaylistItemMoveSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=0, help_text="The item's current index (0-based).")
    position = serializers.IntegerField(min_value=0, help_text="Its new index.")

    def validate(self, attrs):
        count = self.context["count"]
        for name in ("item", "position"):
            if attrs[name] >= count:
                raise serializers.ValidationError({name: [f"The playlist has {count} items (0–{count - 1})."]})
        return attrs


class PlaylistSerializer(serializers.HyperlinkedModelSerializer):
    id = serializers.IntegerField(read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    catalog = SharedRelatedField(Catalog, "catalog-detail", CATALOG)
    items = PlaylistItemSerializer(many=True, required=False,
                                   help_text="In order: [{asset, note}]. Given on PATCH, it replaces the list.")

    class Meta:
        model = Playlist
        fields = ["url", "id", "name", "catalog", "owner", "items", "date_created", "date_updated"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["items"] = [
            {"asset": _absolute(request, reverse("asset-detail", kwargs={"pk": item.asset_id})),
             "asset_id": item.asset_id, "name": item.asset.name, "note": item.note}
            for item in instance.items.all()
        ]
        return data

    def validate_catalog(self, catalog):
        if self.instance is not None and catalog.pk != self.instance.catalog_id:
            raise serializers.ValidationError("A playlist stays in its catalog.")
        if catalog.access_role not in ("owner", "editor"):
            raise serializers.ValidationError(
                f"Your role on catalog {catalog.name!r} is {catalog.access_role}: only its owner and editors "
                "make playlists in it.")
        return catalog

    def validate_items(self, items):
        if len(items) > MAX_PLAYLIST_ITEMS:
            raise serializers.ValidationError(f"At most {MAX_PLAYLIST_ITEMS} items.")
        return items

    def validate(self, attrs):
        catalog = attrs.get("catalog") or getattr(self.instance, "catalog", None)
        for index, item in enumerate(attrs.get("items") or []):
            if catalog is not None and item["asset"].catalog_id != catalog.pk:
                raise serializers.ValidationError(
                    {"items": {str(index): {"asset": ["This asset is in another catalog than the playlist."]}}})
        return attrs


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- share links -------------------------------------------------------------------------------

#: route name of a share target → (its model, how the caller may read it, the target type)
TARGET_ROUTES = {
    "asset-detail": (Asset, ASSET),
    "playlist-detail": (Playlist, PLAYLIST),
    "smartfolder-detail": (SmartFolder, SMART_FOLDER),
}


@extend_schema_field({"type": "string", "format": "uri"})
class ShareTargetField(serializers.Field):
    """The URL of an asset, a playlist or a smart folder the caller may share."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 2048:
            raise serializers.ValidationError("Give the URL of an asset, a playlist or a smart folder.")
        try:
            match = resolve(urlparse(data.strip()).path)
        except (Resolver404, ValueError):
            match = None
        if match is None or match.url_name not in TARGET_ROUTES:
            raise serializers.ValidationError("Give the URL of an asset, a playlist or a smart folder.")
        model, sharing = TARGET_ROUTES[match.url_name]
        pk = parse_object_id(str(match.kwargs.get("pk", "")))
        request = self.context["request"]
        target = None
        if pk is not None and pk <= MAX_OBJECT_ID:
            target = sharing.readable(model.objects.all(), request.user).filter(pk=pk).first()
        name = model._meta.verbose_name
        if target is None:
            raise serializers.ValidationError(f"No {name} with id {pk} is yours or shared with you.")
        if not target_editable_by(target, request.user):
            raise serializers.ValidationError(
                f"You can read this {name} but not share it: only its owner and its catalog's editors make links.")
        return target

    def to_representation(self, target):
        route = f"{target._meta.model_name}-detail"
        return _absolute(self.context.get("request"), reverse(route, kwargs={"pk": target.pk}))


class ShareLinkSerializer(serializers.HyperlinkedModelSerializer):
    id = serializers.IntegerField(read_only=True)
    target = ShareTargetField()
    target_type = serializers.CharField(read_only=True)
    link = serializers.SerializerMethodField(help_text="The guest's URL, with the token: given once, on creation.")
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=256,
                                     style={"input_type": "password"}, trim_whitespace=False)
    has_password = serializers.BooleanField(read_only=True)
    expires_at = serializers.DateTimeField(required=False)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    accesses = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = ["url", "id", "target", "target_type", "link", "token_prefix", "expires_at", "password",
                  "has_password", "can_comment", "can_download", "views", "last_viewed_at", "is_active", "owner",
                  "accesses", "date_created", "date_updated"]
        read_only_fields = ["token_prefix", "views", "last_viewed_at"]

    def get_link(self, link) -> str | None:
        token = self.context.get("token")
        if not token:
            return None
        return _absolute(self.context.get("request"), reverse("share-guest", kwargs={"token": token}))

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_accesses(self, link) -> str:
        return _absolute(self.context.get("request"), reverse("sharelink-accesses", kwargs={"pk": link.pk}))

    def validate_expires_at(self, value):
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError("This moment is in the past: a link must expire in the future.")
        longest = now + timedelta(days=settings.SHARE_LINK_MAX_DAYS)
        if value > longest:
            raise serializers.ValidationError(
                f"A link lasts at most {settings.SHARE_LINK_MAX_DAYS} days (until {longest.isoformat()}).")
        return value

    def validate_is_active(self, value):
        if self.instance is not None and value and not self.instance.is_active:
            raise serializers.ValidationError("A revoked link stays revoked; make a new one.")
        return value

    def validate(self, attrs):
        if self.instance is not None:
            changed = set(attrs) - {"is_active", "can_comment", "can_download", "expires_at"}
            if changed:
                raise serializers.ValidationError(
                    {name: ["A link's target and password are fixed; make a new link."] for name in sorted(changed)})
        return attrs


class ShareAccessSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShareAccess
        fields = ["id", "time", "ip", "guest_name"]


class UnlockSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class GuestCommentSerializer(CommentSerializer):
    """A share-link guest's note: review's comment rules (frame in the media, range, drawing), plus a name.

    No version, parent or `public`: a guest's note is on the shared item
    itself and always public. Give the item's asset as `context["asset"]`.
    """

    guest_name = serializers.CharField(max_length=Comment._meta.get_field("guest_name").max_length,
                                       help_text="The guest's name, shown as the note's author.")

    GUEST_FIELDS = ("guest_name", "text", "frame", "duration", "annotation")

    def get_fields(self):
        fields = super().get_fields()
        return {name: fields[name] for name in self.GUEST_FIELDS}
