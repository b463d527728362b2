"""A catalog asset for a File already ingested, validated exactly as `POST /assets/ {"file": id}` is.

The asset serializer derives what the media gives a new asset (its name,
timecode format, media range); a finished resumable upload and
`manage.py ingest` make their assets through it, so they are the assets a
client would have made.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.exceptions import ValidationError

from media_assets.api.asset_serializers import AssetSerializer
from media_assets.catalog import services as catalog_services


@dataclass(frozen=True)
class _Caller:
    """The part of a request the serializer's fields read, for callers without one (a command)."""

    user: object


def catalog_asset_create(*, file, catalog, user, request=None, dedupe: bool = False):
    """(asset, created): a new asset of `catalog` showing `file`, or with `dedupe` the one already holding its bytes."""
    context = {"request": request or _Caller(user), "catalog": catalog, "include": None}
    serializer = AssetSerializer(data={"file": file.pk, "catalog": catalog.pk}, context=context)
    if not serializer.is_valid():
        raise ValidationError(serializer.errors)
    data = serializer.validated_data
    return catalog_services.asset_create(catalog=catalog, user=user, fields=data["model"], seq_items=data["items"],
                                         dedupe=dedupe)
