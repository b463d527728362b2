"""Copies of media files: new File rows with their own copy of the stored bytes.

A copy is independent of its original (either can be edited or deleted
without touching the other), so the bytes are copied in the storage
backend, streamed chunk by chunk, never read whole. Copies made inside a
transaction are tracked by `media_written`, which deletes what was
written if the block fails, so a refused copy, merge or load leaves no
orphaned media behind.
"""

from __future__ import annotations

import copy
import logging
import posixpath
from contextlib import contextmanager
from typing import Iterator

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

from media_assets.models import File, media_upload_to
from media_assets.storage import open_stored

log = logging.getLogger("montage.media")


@contextmanager
def media_written() -> Iterator[list[str]]:
    """A list to record stored names in; on an exception they are deleted, then it propagates."""
    names: list[str] = []
    try:
        yield names
    except BaseException:
        for name in names:
            try:
                default_storage.delete(name)
            except OSError as error:
                log.warning("could not delete media %s after a failed operation: %s", name, error)
        raise


def storage_copy(name: str, *, target_name: str) -> str:
    """Copy stored bytes to (a free name near) `target_name`, streamed; the name used."""
    try:
        source, _size = open_stored(name)  # ranged reads on S3/Azure: never the whole object at once
    except (FileNotFoundError, OSError) as error:
        raise ValidationError({"detail": [f"The media {posixpath.basename(name)} is missing from storage."]}) from error
    with source:
        return default_storage.save(target_name, DjangoFile(source, name=posixpath.basename(target_name)))


def _copy_file_name(requested: str | None, original: str) -> str:
    """The stored name of a copy: the requested name made safe, keeping the original's extension
    (the renderer and the probe go by it)."""
    suffix = posixpath.splitext(original)[1]
    try:
        stem = get_valid_filename(posixpath.basename((requested or "").replace("\\", "/")))
    except SuspiciousFileOperation:
        return original
    if posixpath.splitext(stem)[1].lower() != suffix.lower():
        stem += suffix
    return stem


def file_copy(*, file: File, owner, project=None, name: str | None = None, written: list[str] | None = None,
              extra_json: dict | None = None) -> File:
    """A new File in `project` (default: the same one) with a copy of `file`'s media.

    `name` renames the copy (json["name"]); `written` collects the stored
    name for `media_written`.
    """
    target_project = project if project is not None else file.project
    clone = File(owner=owner, project=target_project, json=copy.deepcopy(file.json or {}))
    target = media_upload_to(clone, _copy_file_name(name, posixpath.basename(file.media.name) or "media"))
    stored = storage_copy(file.media.name, target_name=target)
    if written is not None:
        written.append(stored)
    try:
        clone.media.name = stored
        clone.json["path"] = stored
        if name:
            clone.json["name"] = name
        clone.json.update(extra_json or {})
        clone.save()
    except Exception:
        if written is None:
            default_storage.delete(stored)
        raise
    log.info("file %s copied to %s as %s", file.pk, clone.pk, stored)
    return clone
