"""Ingest: the one way a File comes to exist with media of its own.

Every path that makes a File passes through `file_ingest`: a multipart
upload (/files/, /assets/ with `media`), an import from a URL, S3, Azure
or a server path (media_assets.imports, also /assets/ with
`import_from`), a title (media_assets.titles), a copy
(media_assets.copying: /files/<id>/copy/, project copies and merges)
and a project's `load/` (projects.interchange.loading: archive entries,
copies of the caller's stored files). Its steps, always in this order:

1. **Probe** the bytes once, from a local path, before anything is
   stored, so bytes that are not media leave no row and no stored object
   (a ValidationError on `media`, a 400). A caller that has already
   probed exactly these bytes passes the result as `probe=` and they are
   not probed again: the asset serializer probes to validate timecodes,
   a project load probes every archive entry before writing anything, a
   copy carries its original's probe (same bytes).
2. **Store** the bytes in the storage backend, streamed in chunks, never
   read whole: an upload or a local file through the File's `media`
   field (local storage moves a temporary file into place), a copy from
   storage to storage (`StoredMedia`).
   **Hash** them on the way (media_assets.hashing): a source that was
   hashed as it arrived (an upload, an import) carries its `sha256`, a
   copy its original's; any other source is stored through a hashing
   reader, so the read that stores the bytes is the one that hashes them.
3. **Record** the row: `json` is the client's keys, then the probe's
   (they win), then `path`, the stored name (never a server path). If the
   row cannot be saved the stored object is deleted again, or left to the
   caller's `written` list (media_assets.copying.media_written).
4. **Announce** `file_ingested` (media_assets.hooks) after the
   transaction commits; nothing is announced when it rolls back.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage

from media_assets.cache import cached_media_path
from media_assets.hashing import HashingReader, path_sha256
from media_assets.hooks import IngestOrigin, announce_file_ingested
from media_assets.local_files import upload_local_path
from media_assets.models import File, media_upload_to
from media_assets.probe import NotMedia, probe_media
from media_assets.storage import open_stored

log = logging.getLogger("montage.media")

#: the keys of a File's json that the probe writes (the client's keys are the others, and `path`)
PROBE_KEYS = frozenset(
    """duration fps width height vcodec acodec sample_rate channels channel_layout has_audio has_video
    has_single_image media_type video_length video_bit_rate audio_bit_rate display_ratio pixel_ratio
    video_timebase audio_timebase interlaced_frame top_field_first video_stream_index audio_stream_index
    pixel_format file_size metadata type""".split()
)


@dataclass(frozen=True)
class StoredMedia:
    """Bytes already in the media storage under `name`: what a copy is made from (with their hash, when known)."""

    name: str
    sha256: str = ""


MediaSource = DjangoFile | StoredMedia


# --- probing ------------------------------------------------------------------------------------


def path_probe(path: str) -> dict:
    """What the media at a local path is (media_assets.probe); NotMedia when it is not media."""
    return probe_media(path, max_image_pixels=settings.MEDIA_MAX_IMAGE_PIXELS)


def media_probe(source: DjangoFile) -> dict:
    """The probe of uploaded or local bytes, or a 400-worthy ValidationError on `media`."""
    if not source.size:
        raise ValidationError({"media": ["The uploaded file is empty."]})
    with upload_local_path(source) as path:
        try:
            return path_probe(path)
        except NotMedia as error:
            raise ValidationError({"media": [str(error)]}) from error


def probe_keys(json: dict) -> dict:
    return {key: value for key, value in (json or {}).items() if key in PROBE_KEYS}


def client_keys(json: dict) -> dict:
    return {key: value for key, value in (json or {}).items() if key not in PROBE_KEYS and key != "path"}


def merged_json(client_json: dict, probe: dict, name: str) -> dict:
    """Client keys kept, the probe's keys win, `path` is the storage name (never a server path)."""
    return {**client_json, **probe, "path": name}


# --- storing ------------------------------------------------------------------------------------


def storage_copy(name: str, *, target_name: str) -> tuple[str, str | None]:
    """Copy stored bytes to (a free name near) `target_name`, streamed; the name used and the bytes' SHA-256
    (None when the backend did not read them in one pass)."""
    try:
        source, size = open_stored(name)  # ranged reads on S3/Azure: never the whole object at once
    except (FileNotFoundError, OSError) as error:
        raise ValidationError({"detail": [f"The media {posixpath.basename(name)} is missing from storage."]}) from error
    with source:
        reader = HashingReader(source)
        stored = default_storage.save(target_name, DjangoFile(reader, name=posixpath.basename(target_name)))
    return stored, reader.hexdigest() if reader.complete(size) else None


def media_store(file: File, source: MediaSource, *, name: str) -> str:
    """Stream the bytes into storage under the name `file`'s media field gives `name`; the stored name.

    Sets `file.sha256`: the source's own hash when it came with one, else
    the hash of the bytes as the storage read them.
    """
    known = getattr(source, "sha256", "") or ""
    if isinstance(source, StoredMedia):
        file.media.name, hashed = storage_copy(source.name, target_name=media_upload_to(file, name))
        file.sha256 = known or hashed or ""
    elif known:
        file.media.save(name, source, save=False)
        file.sha256 = known
    else:
        reader = HashingReader(source.file)
        size = source.size
        source.seek(0)
        file.media.save(name, DjangoFile(reader, name=source.name), save=False)
        file.sha256 = reader.hexdigest() if reader.complete(size) else _reread_sha256(source)
    return file.media.name


def _reread_sha256(source: DjangoFile) -> str:
    """The hash of a source the storage did not read in one pass (rare: a backend that skips around)."""
    with upload_local_path(source) as path:
        return path_sha256(path)


def _source_name(source: MediaSource) -> str:
    if isinstance(source, StoredMedia):
        return posixpath.basename(source.name) or "media"
    return source.name or "media"


def _source_probe(source: MediaSource) -> dict:
    if isinstance(source, StoredMedia):
        try:
            return path_probe(cached_media_path(source.name))
        except (FileNotFoundError, OSError) as error:
            raise ValidationError({"detail": [f"The media {posixpath.basename(source.name)} is missing from storage."]}) from error
        except NotMedia as error:
            raise ValidationError({"media": [str(error)]}) from error
    return media_probe(source)


# --- the service --------------------------------------------------------------------------------


def file_ingest(*, source: MediaSource, owner, project=None, name: str | None = None, json: dict | None = None,
                probe: dict | None = None, origin: IngestOrigin = IngestOrigin.UPLOAD,
                written: list[str] | None = None) -> File:
    """A new File of `owner` (in `project`, or in none: a catalog's media) holding `source`'s bytes.

    `name` is the file name to store under (default: the source's own);
    `json` the client's keys; `probe` the probe of exactly these bytes when
    the caller already has it; `origin` says how the file came, for the
    `file_ingested` subscribers; `written` collects the stored name for
    `media_written` (which then owns deleting it on failure).
    """
    if probe is None:
        probe = _source_probe(source)
    file = File(owner=owner, project=project)
    stored = media_store(file, source, name=name or _source_name(source))
    if written is not None:
        written.append(stored)
    try:
        file.json = merged_json(json or {}, probe, stored)
        file.save()
    except Exception:
        if written is None:
            default_storage.delete(stored)
        raise
    log.info("file %s ingested (%s): %s %s, %s bytes, sha256 %s", file.pk, origin, probe.get("media_type"), stored,
             probe.get("file_size"), file.sha256 or "unknown")
    announce_file_ingested(file, origin=origin)
    return file
