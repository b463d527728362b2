"""What happens to a resumable upload: created, appended to chunk by chunk, finished into a File, terminated, expired.

The bytes so far live in one part file per upload (`Upload.part_path`),
written at the upload's offset straight from the request stream, one
megabyte at a time, never whole in memory. A PATCH holds an exclusive
lock on the part file, so two requests for the same upload cannot
interleave; the offset in the row only moves once a chunk is written
(and, with Upload-Checksum, verified), so an interrupted request leaves
the upload at the last offset it confirmed and the client resumes there.
A finished upload goes through the one ingest path
(media_assets.ingest.file_ingest: probe, store, hash, the
`file_ingested` hook); the store's read of the part file is the read
that hashes it.
"""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from media_assets.hooks import IngestOrigin
from media_assets.ingest import file_ingest
from media_assets.local_files import LocalMedia
from media_assets.models import File
from media_assets.resumable.models import Upload, UploadStatus
from media_assets.resumable.tus import Checksum

log = logging.getLogger("montage.media")

CHUNK = 1024 * 1024


class UploadRefused(Exception):
    """A PATCH the upload cannot take; `status` is the HTTP status tus gives it."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


def upload_create(*, owner, filename: str, length: int, project=None, catalog=None, json: dict | None = None) -> Upload:
    """A new, empty upload of `length` bytes, expiring after MONTAGE_UPLOAD_EXPIRES_SECONDS."""
    expires = timezone.now() + timedelta(seconds=settings.MONTAGE_UPLOAD_EXPIRES_SECONDS)
    upload = Upload.objects.create(owner=owner, filename=filename, length=length, project=project, catalog=catalog,
                                   json=json or {}, expires=expires)
    upload.part_path.parent.mkdir(parents=True, exist_ok=True)
    upload.part_path.touch()
    log.info("upload %s created by %s: %s, %s bytes", upload.pk, owner, filename, length)
    return upload


def upload_append(*, upload: Upload, offset: int, stream, content_length: int | None,
                  checksum: Checksum | None = None) -> Upload:
    """Write the request's bytes at `offset`; the upload with its new offset.

    UploadRefused(409) when `offset` is not where the upload is, (413) when
    the bytes would go past its length, (460) when they do not match
    `checksum` (they are then dropped again).
    """
    remaining = upload.length - upload.offset
    if content_length is not None and content_length > remaining:
        raise UploadRefused(f"This chunk of {content_length} bytes would take the upload past its Upload-Length "
                            f"({upload.length}); {remaining} bytes remain.", status=413)
    with open(upload.part_path, "r+b") as part:
        try:
            fcntl.flock(part, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadRefused("Another request is writing to this upload; retry after it.", status=409) from None
        upload.refresh_from_db(fields=["offset", "status"])
        if upload.status != UploadStatus.RECEIVING:
            raise UploadRefused(f"The upload is {upload.status}; it takes no more bytes.", status=409)
        if offset != upload.offset:
            raise UploadRefused(f"Upload-Offset is {offset}, but the upload is at {upload.offset}: "
                                "HEAD it and resume from there.", status=409)
        written = _write_chunk(part, upload, stream, content_length, checksum)
        upload.offset += written
        Upload.objects.filter(pk=upload.pk).update(offset=upload.offset, date_updated=timezone.now())
    return upload


def _write_chunk(part, upload: Upload, stream, content_length: int | None, checksum: Checksum | None) -> int:
    """Copy the stream into the part file at the upload's offset; the bytes kept (a failed checksum keeps none)."""
    start = upload.offset
    limit = upload.length - start
    hasher = checksum.hasher() if checksum else None
    part.seek(start)
    written = 0
    try:
        while content_length is None or written < content_length:
            data = stream.read(min(CHUNK, (content_length - written) if content_length is not None else CHUNK))
            if not data:
                break
            if written + len(data) > limit:
                raise UploadRefused(f"The bytes go past the upload's Upload-Length ({upload.length}).", status=413)
            part.write(data)
            written += len(data)
            if hasher:
                hasher.update(data)
        if hasher and hasher.digest() != checksum.digest:
            raise UploadRefused(f"The chunk's {checksum.algorithm} does not match Upload-Checksum.", status=460)
    except UploadRefused:
        part.truncate(start)
        raise
    except OSError:  # the client went away mid-chunk: keep what arrived whole, the client resumes from it
        log.info("upload %s: the request broke off after %s bytes", upload.pk, written)
        if hasher:
            part.truncate(start)
            return 0
    part.flush()
    if hasher is None:
        part.truncate(start + written)
    return written


def upload_finish(*, upload: Upload) -> File:
    """The finished upload's bytes as a File of its owner (in its project, or none: a catalog's media)."""
    try:
        with open(upload.part_path, "rb") as handle:
            media = LocalMedia(handle, name=upload.filename, path=str(upload.part_path))
            with transaction.atomic():
                file = file_ingest(source=media, owner=upload.owner, project=upload.project, json=upload.json,
                                   origin=IngestOrigin.UPLOAD)
                upload.file = file
                upload.status = UploadStatus.DONE
                upload.save(update_fields=["file", "status", "date_updated"])
    except Exception as error:
        upload.status = UploadStatus.FAILED
        upload.error = _reason(error)
        upload.save(update_fields=["status", "error", "date_updated"])
        log.info("upload %s failed: %s", upload.pk, upload.error)
        raise
    finally:
        upload.part_path.unlink(missing_ok=True)
    log.info("upload %s finished as file %s", upload.pk, file.pk)
    return file


def _reason(error: Exception) -> str:
    messages = getattr(error, "message_dict", None)
    if messages:
        return " ".join(" ".join(values) for values in messages.values())
    return str(error) or type(error).__name__


def upload_delete(*, upload: Upload) -> None:
    """Terminate: the upload and its bytes so far are gone (a File it became stays)."""
    upload.part_path.unlink(missing_ok=True)
    pk = upload.pk
    upload.delete()
    log.info("upload %s terminated", pk)


def uploads_expire(*, now=None) -> int:
    """Delete unfinished uploads past their expiry, and their bytes; how many (the job sweeper calls it)."""
    now = now or timezone.now()
    expired = list(Upload.objects.filter(status=UploadStatus.RECEIVING, expires__lt=now))
    for upload in expired:
        pk = upload.pk
        upload.part_path.unlink(missing_ok=True)
        upload.delete()
        log.info("upload %s expired unfinished (%s of %s bytes): deleted", pk, upload.offset, upload.length)
    return len(expired)
