"""What happens in the catalog: sharing, ingesting into a catalog, changing assets, markers and sequences.

(Placing an asset on a project timeline is the projects app's: projects/catalog_placement.py.)

Every write goes through model `save()`/`delete()` one row at a time, so
django-simple-history records who changed what. An asset's `version` (its
ETag) goes up with every change to it, its markers or its sequence items.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from media_assets.catalog.models import Asset, Catalog, ClipType, Marker, MetadataField, SequenceItem
from media_assets.hashing import path_sha256
from media_assets.ingest import file_ingest
from media_assets.local_files import upload_local_path
from media_assets.timecode import DEFAULT_FORMAT, format_for_rate, frames_to_seconds

log = logging.getLogger("montage.catalog")


class InUse(Exception):
    """The object cannot be deleted while others refer to it; the message says which."""


# -- sharing ----------------------------------------------------------------------


def shares_set(*, target, shares: list) -> None:
    """Share a catalog or smart folder with exactly `shares` ([(group, role)]), one recorded change per row."""
    wanted = {group.pk: (group, role) for group, role in shares}
    for share in list(target.shares.all()):
        entry = wanted.pop(share.group_id, None)
        if entry is None:
            share.delete()
        elif share.role != entry[1]:
            share.role = entry[1]
            share.save()
    for group, role in wanted.values():
        target.shares.create(group=group, role=role)


# -- assets -----------------------------------------------------------------------


def _derive(asset: Asset) -> None:
    asset.duration_secs = frames_to_seconds(asset.duration_frm, asset.timecode_format)


def asset_duplicate_find(*, catalog: Catalog, sha256: str) -> Asset | None:
    """The first asset of `catalog` whose media has these bytes (by SHA-256), or None."""
    if not sha256:
        return None
    return Asset.objects.filter(catalog=catalog, file__sha256=sha256).order_by("pk").first()


def incoming_sha256(*, upload=None, file=None) -> str:
    """The hash of the media an asset is about to get: the upload's (hashed as it arrived) or the file's."""
    if upload is not None:
        if not getattr(upload, "sha256", ""):  # not from an HTTP request's upload handlers: hash it once here
            with upload_local_path(upload) as path:
                upload.sha256 = path_sha256(path)  # file_ingest reuses it
        return upload.sha256
    return file.sha256 if file is not None else ""


@transaction.atomic
def asset_create(*, catalog: Catalog, user, fields: dict, upload=None, probe: dict | None = None,
                 seq_items: list | None = None, dedupe: bool = False) -> tuple[Asset, bool]:
    """A new asset, and True; with `upload`, the media File is ingested (outside any project) in the same step.

    `probe` is the upload's probe when the caller has it (the serializer
    probed to validate), so the bytes are probed once. When an asset of
    the catalog already holds the same bytes, the new one records it as
    `duplicate_of`; with `dedupe` nothing is made and that asset is
    answered, with False.
    """
    duplicate = asset_duplicate_find(catalog=catalog, sha256=incoming_sha256(upload=upload, file=fields.get("file")))
    if duplicate is not None and dedupe:
        log.info("asset %s of catalog %s already holds these bytes: nothing made for %s", duplicate.pk, catalog.pk, user)
        return duplicate, False
    if upload is not None:
        fields["file"] = file_ingest(source=upload, owner=user, project=None, json={}, probe=probe)
    fields["duplicate_of"] = duplicate
    asset = Asset(catalog=catalog, created_by=user, **fields)
    _derive(asset)
    asset.save()
    if seq_items:
        _replace_items(asset, seq_items)
    log.info("asset %s created in catalog %s by %s%s", asset.pk, catalog.pk, user,
             f" (a duplicate of asset {duplicate.pk})" if duplicate is not None else "")
    return asset, True


TYPE_BY_MEDIA = {"video": ClipType.CLIP, "audio": ClipType.AUDIO, "image": ClipType.STILL}


def asset_of_file(*, catalog: Catalog, user, file, name: str | None = None, source_export_id: int | None = None) -> Asset:
    """A new asset showing all of `file`'s media (a render published for review, say).

    Its timecode format comes from the media's frame rate, its media range
    from frame 0 for the media's duration; in–out is the whole media.
    """
    probe = file.json or {}
    fps = probe.get("fps") or {}
    try:
        num, den = int(fps.get("num", 0)), int(fps.get("den", 1))
    except (TypeError, ValueError, AttributeError):
        num, den = 0, 1
    fmt = format_for_rate(num, den) if num > 0 and den > 0 and probe.get("media_type") != "image" else DEFAULT_FORMAT
    length = 0 if probe.get("media_type") == "image" else round(float(probe.get("duration") or 0) * float(fmt.rate))
    fields = {
        "file": file, "name": (name or file.name or "render")[:255], "tc_format": fmt.code,
        "type": TYPE_BY_MEDIA.get(probe.get("media_type"), ClipType.OTHER),
        "media_start_frm": 0, "media_end_frm": length, "in_frm": 0, "out_frm": length,
        "source_export_id": source_export_id,
    }
    asset, _created = asset_create(catalog=catalog, user=user, fields=fields)
    return asset


#: what a subclip shows of its master's media, kept equal to the master's
SHARED_WITH_SUBCLIPS = ("tc_format", "media_start_frm", "media_end_frm")


@transaction.atomic
def asset_update(*, asset: Asset, fields: dict, seq_items: list | None = None) -> Asset:
    """Change the asset; a master's new format or media range passes on to its subclips (the caller
    checked that they still fit)."""
    media_changed = any(name in fields and fields[name] != getattr(asset, name) for name in SHARED_WITH_SUBCLIPS)
    for name, value in fields.items():
        setattr(asset, name, value)
    _derive(asset)
    asset.version += 1
    asset.save()
    if seq_items is not None:
        _replace_items(asset, seq_items)
    if media_changed:
        _share_media_with_subclips(asset)
    return asset


def subclips_of(master: Asset) -> list[Asset]:
    """The master's subclips, and theirs in turn: every asset showing a range of its media."""
    found, frontier, seen = [], [master.pk], {master.pk}
    while frontier:
        children = [child for child in Asset.objects.filter(source_id__in=frontier) if child.pk not in seen]
        found += children
        seen.update(child.pk for child in children)
        frontier = [child.pk for child in children]
    return found


def _share_media_with_subclips(master: Asset) -> None:
    # Saved one row at a time, so history records each subclip's change.
    for subclip in subclips_of(master):
        for name in SHARED_WITH_SUBCLIPS:
            setattr(subclip, name, getattr(master, name))
        _derive(subclip)
        subclip.version += 1
        subclip.save()


def _replace_items(sequence: Asset, items: list[dict]) -> None:
    for item in list(sequence.seq_items.all()):
        item.delete()
    for item in items:
        SequenceItem.objects.create(sequence=sequence, **item)


def asset_delete(*, asset: Asset) -> None:
    """Delete the asset (its markers and, for a sequence, its items); InUse while a sequence cuts from it."""
    sequences = sorted(set(
        SequenceItem.objects.filter(source=asset).exclude(sequence=asset).values_list("sequence__name", flat=True)
    ))
    if sequences:
        raise InUse(f"The asset is used in the sequences {', '.join(map(repr, sequences))}; remove it from them first.")
    asset.delete()


def asset_touch(asset_id: int) -> None:
    """A change to what an asset contains (markers, items) changes its ETag too."""
    Asset.objects.filter(pk=asset_id).update(version=F("version") + 1, date_updated=timezone.now())


# -- markers -----------------------------------------------------------------------


@transaction.atomic
def marker_save(*, marker: Marker) -> Marker:
    marker.save()
    asset_touch(marker.asset_id)
    return marker


@transaction.atomic
def marker_delete(*, marker: Marker) -> None:
    asset_id = marker.asset_id
    marker.delete()
    asset_touch(asset_id)


# -- fields -------------------------------------------------------------------------


def field_usage(field: MetadataField) -> int:
    assets = Asset.objects.filter(user_fields__has_key=field.identifier)
    if field.catalog_id is not None:
        assets = assets.filter(catalog_id=field.catalog_id)
    return assets.count()


def field_delete(*, field: MetadataField) -> None:
    used = field_usage(field)
    if used:
        raise InUse(
            f"{used} asset(s) have a value for {field.identifier!r}; clear them first "
            f"(PATCH /assets/bulk/ with user_fields {{{field.identifier!r}: null}})."
        )
    field.delete()
