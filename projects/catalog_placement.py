"""Placing a catalog asset on a project's timeline: the project's side of the catalog.

The catalog (media_assets) knows nothing of projects; a project may take
an asset's range as a Clip. Projects only place their own files, and a
catalog's media belongs to no project, so the clip's File is a row of the
project that points at the same stored bytes (nothing is copied); stored
bytes are deleted only when no File row refers to them any more
(media_assets.services.storage_delete_after_commit). A row made for a user
other than the file's owner records it as its `source`, so it ends with the
owner's file or with the user's access to it (media_assets.revocation).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from media_assets.catalog.models import Asset
from media_assets.models import File
from media_assets.timecode import frames_to_seconds
from projects.models import Clip, Project

log = logging.getLogger("montage.catalog")


@transaction.atomic
def asset_add_to_project(*, asset: Asset, project: Project, user, position: float, layer: int,
                         selection: bool | None) -> Clip:
    """A timeline Clip of the asset's range (its selection in2/out2 when set, unless told otherwise)."""
    if asset.file is None:
        raise ValidationError({"asset": ["This asset has no media file to place on a timeline."]})
    use_selection = asset.in2_frm is not None and asset.out2_frm is not None if selection is None else selection
    if use_selection and (asset.in2_frm is None or asset.out2_frm is None):
        raise ValidationError({"selection": ["The asset has no selection (in2/out2)."]})
    first, last = (asset.in2_frm, asset.out2_frm) if use_selection else (asset.in_frm, asset.out_frm)
    fmt = asset.timecode_format
    start = frames_to_seconds(first - asset.media_start_frm, fmt)
    end = frames_to_seconds(last - asset.media_start_frm, fmt)
    if end <= start:  # a still, or an empty range: one second, like a new timeline clip of an image
        end = start + 1.0
    file = project_file_for(asset.file, project=project, user=user)
    clip = Clip.objects.create(owner=user, project=project, file=file, position=position, start=start, end=end, layer=layer)
    log.info("asset %s placed on project %s as clip %s", asset.pk, project.pk, clip.pk)
    return clip


def project_file_for(file: File, *, project: Project, user) -> File:
    """The project's File for these stored bytes: the file itself, or a row sharing its media."""
    if file.project_id == project.pk:
        return file
    existing = File.objects.filter(owner=user, project=project, media=file.media.name).first()
    if existing is not None:
        return existing
    return File.objects.create(
        owner=user, project=project, media=file.media.name, json={**file.json, "catalog_file": file.pk},
        sha256=file.sha256,  # the same stored bytes
        source=file if file.owner_id != user.pk else None,
    )
