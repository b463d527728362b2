"""Copies of media files: new File rows with their own copy of the stored bytes.

A copy is independent of its original (either can be edited or deleted
without touching the other), so the bytes are copied in the storage
backend, streamed chunk by chunk, never read whole; it is ingested like
any new file (media_assets.ingest), carrying its original's probe since
the bytes are the same. Copies made inside a transaction are tracked by
`media_written`, which deletes what was written if the block fails, so a
refused copy, merge or load leaves no orphaned media behind.
"""

from __future__ import annotations

import copy
import logging
import posixpath
from contextlib import contextmanager
from typing import Iterator

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

from media_assets.hooks import IngestOrigin
from media_assets.ingest import StoredMedia, client_keys, file_ingest, probe_keys
from media_assets.models import File

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

    `name` renames the copy (json["name"]); `extra_json` adds client keys;
    `written` collects the stored name for `media_written`.
    """
    original = copy.deepcopy(file.json or {})
    client = client_keys(original)
    if name:
        client["name"] = name
    client.update(extra_json or {})
    clone = file_ingest(
        source=StoredMedia(file.media.name, sha256=file.sha256), owner=owner, project=project if project is not None else file.project,
        name=_copy_file_name(name, posixpath.basename(file.media.name) or "media"), json=client,
        probe=probe_keys(original), origin=IngestOrigin.COPY, written=written,
    )
    log.info("file %s copied to %s as %s", file.pk, clone.pk, clone.media.name)
    return clone
