"""What happens to stored media files after ingest: replace, delete, local access.

A File comes to exist through media_assets.ingest (stored, probed once,
recorded, announced). Here its media is replaced (probed again, the old
bytes deleted after commit), it is deleted (its bytes after commit,
unless another row still shares them), or read from a local path.
"""

from __future__ import annotations

import logging
from typing import Iterable

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from media_assets.cache import cached_media_path
from media_assets.ingest import client_keys, media_probe, media_store, merged_json, probe_keys
from media_assets.models import File
from media_assets.previews.services import rendition_storage_names

log = logging.getLogger("montage.media")


def file_update(*, file: File, upload: UploadedFile | None, client_json: dict | None) -> File:
    """New json (merged under the probe) and, if given, new media (re-probed)."""
    if upload is None:
        if client_json is not None:
            file.json = {**client_json, **probe_keys(file.json), "path": file.media.name}
        file.save()
        return file
    probe = media_probe(upload)
    old_name = file.media.name
    client = client_json if client_json is not None else client_keys(file.json)
    stored = media_store(file, upload, name=upload.name or "media")
    try:
        file.json = merged_json(client, probe, stored)
        file.save()
    except Exception:
        default_storage.delete(stored)
        raise
    storage_delete_after_commit([old_name])
    return file


def storage_delete_after_commit(names: Iterable[str]) -> None:
    """Delete stored media after commit, unless a File row still refers to it.

    Several rows may share one stored name: a catalog asset's file placed
    on a project's timeline gets a File row in that project pointing at the
    same bytes (media_assets.catalog.services.asset_add_to_project).
    """
    names = [name for name in names if name]

    def delete():
        still_used = set(File.objects.filter(media__in=names).values_list("media", flat=True)) if names else set()
        for name in names:
            if name in still_used:
                continue
            try:
                default_storage.delete(name)
            except OSError as error:  # the row is gone either way; say so
                log.warning("could not delete stored media %s: %s", name, error)

    transaction.on_commit(delete)


def file_delete(*, file: File) -> None:
    """Delete the file; after commit its media and its previews' stored objects."""
    names = [file.media.name, *rendition_storage_names([file.pk])]
    file.delete()
    storage_delete_after_commit(names)


def file_local_path(file: File) -> str:
    """A local filesystem path with the file's bytes, for PyAV and ffmpeg.

    The stored file itself on the local disk; with S3 or Azure, a copy in
    this machine's bounded media cache (media_assets.cache).
    """
    recorded = str((file.json or {}).get("file_size", ""))
    return cached_media_path(file.media.name, size=int(recorded) if recorded.isdigit() else None)
