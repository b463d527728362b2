"""An asset's history as the API shows it: its own changes and those of its markers and sequence items.

The entries come from django-simple-history's tables
(media_assets.catalog.history); here they are gathered per asset, for one
asset (/assets/<id>/history/, ?include=history on a detail) or a page of
them in a constant number of queries (?include=history on a list).
"""

from __future__ import annotations

from rest_framework.response import Response

from media_assets.catalog.history import history_entries, sort_newest_first
from media_assets.catalog.models import Asset, Marker, SequenceItem


def history_page_response(view, entries: list[dict]) -> Response:
    """The view's page of history entries (newest first), without the key they were ordered by."""
    page = view.paginate_queryset(entries)
    for entry in page:
        entry.pop("history_id", None)
    return view.get_paginated_response(page)


def history_of_asset(asset: Asset) -> list[dict]:
    """The asset's own changes and those of its markers and sequence items, newest first."""
    def frames_in_asset_format(row):
        return asset.tc_format

    entries = history_entries(Asset.history.filter(id=asset.pk).select_related("history_user"), "asset")
    entries += history_entries(
        Marker.history.filter(asset_id=asset.pk).select_related("history_user"), "marker", frames_in_asset_format
    )
    entries += history_entries(
        SequenceItem.history.filter(sequence_id=asset.pk).select_related("history_user"), "sequence item",
        frames_in_asset_format,
    )
    return sort_newest_first(entries)


def history_by_asset(assets: list[Asset]) -> dict[int, list[dict]]:
    """History of a page of assets, in two queries."""
    ids = [asset.pk for asset in assets]
    formats = {asset.pk: asset.tc_format for asset in assets}
    result = {pk: [] for pk in ids}
    for entry in history_entries(Asset.history.filter(id__in=ids).select_related("history_user"), "asset"):
        result[entry["object_id"]].append(entry)
    markers = Marker.history.filter(asset_id__in=ids).select_related("history_user")
    marker_asset = {}
    rows = list(markers)
    for row in rows:
        marker_asset[row.id] = row.asset_id
    for entry in history_entries(rows, "marker", lambda row: formats[row.asset_id]):
        result[marker_asset[entry["object_id"]]].append(entry)
    return {pk: sort_newest_first(entries) for pk, entries in result.items()}
