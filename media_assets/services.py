"""What happens to media files: ingest, replace, delete, local access, thumbnails.

Uploads are probed from the local temporary file Django streamed them to,
before anything is stored, so bytes that are not media leave no row and
no stored file behind. The bytes then stream into the storage backend.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from config.media.image_formats import image_format as lookup_image_format, mime_type_for_suffix
from media_assets.cache import cached_media_path
from media_assets.models import File
from media_assets.probe import NotMedia, probe_media
from media_assets.thumbnails import render_frame

log = logging.getLogger("montage.media")

CHUNK = 1024 * 1024


@contextmanager
def upload_local_path(upload: UploadedFile) -> Iterator[str]:
    """A local path holding the upload's bytes (Django's temp file when there is one)."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name or "").suffix) as handle:
        for chunk in upload.chunks(CHUNK):
            handle.write(chunk)
        handle.flush()
        upload.seek(0)
        yield handle.name


def probe_upload(upload: UploadedFile) -> dict:
    """The probe of an upload, or a 400-worthy ValidationError on `media`."""
    if not upload.size:
        raise ValidationError({"media": ["The uploaded file is empty."]})
    with upload_local_path(upload) as path:
        try:
            return probe_media(path, max_image_pixels=settings.MEDIA_MAX_IMAGE_PIXELS)
        except NotMedia as error:
            raise ValidationError({"media": [str(error)]}) from error


def _merged_json(client_json: dict, probe: dict, name: str) -> dict:
    """Client keys kept, the probe's keys win, `path` is the storage name (never a server path)."""
    return {**client_json, **probe, "path": name}


def _save_with_media(file: File, upload: UploadedFile, probe: dict, client_json: dict) -> File:
    file.media.save(upload.name or "media", upload, save=False)
    try:
        file.json = _merged_json(client_json, probe, file.media.name)
        file.save()
    except Exception:
        default_storage.delete(file.media.name)
        raise
    return file


def file_ingest(*, owner, project, upload: UploadedFile, client_json: dict | None = None) -> File:
    probe = probe_upload(upload)
    file = File(owner=owner, project=project)
    file = _save_with_media(file, upload, probe, client_json or {})
    log.info("file %s ingested: %s %s, %s bytes", file.pk, probe.get("media_type"), file.media.name, probe.get("file_size"))
    return file


def file_update(*, file: File, upload: UploadedFile | None, client_json: dict | None) -> File:
    """New json (merged under the probe) and, if given, new media (re-probed)."""
    if upload is None:
        if client_json is not None:
            file.json = {**client_json, **_probe_keys(file.json), "path": file.media.name}
        file.save()
        return file
    probe = probe_upload(upload)
    old_name = file.media.name
    file = _save_with_media(file, upload, probe, client_json if client_json is not None else _client_keys(file.json))
    storage_delete_after_commit([old_name])
    return file


def _probe_keys(json: dict) -> dict:
    return {key: value for key, value in json.items() if key in PROBE_KEYS}


def _client_keys(json: dict) -> dict:
    return {key: value for key, value in json.items() if key not in PROBE_KEYS and key != "path"}


PROBE_KEYS = frozenset(
    """duration fps width height vcodec acodec sample_rate channels channel_layout has_audio has_video
    has_single_image media_type video_length video_bit_rate audio_bit_rate display_ratio pixel_ratio
    video_timebase audio_timebase interlaced_frame top_field_first video_stream_index audio_stream_index
    pixel_format file_size metadata type""".split()
)


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
    name = file.media.name
    file.delete()
    storage_delete_after_commit([name])


def file_local_path(file: File) -> str:
    """A local filesystem path with the file's bytes, for PyAV and ffmpeg.

    The stored file itself on the local disk; with S3 or Azure, a copy in
    this machine's bounded media cache (media_assets.cache).
    """
    recorded = str((file.json or {}).get("file_size", ""))
    return cached_media_path(file.media.name, size=int(recorded) if recorded.isdigit() else None)


def file_thumbnail(*, file: File, frame_number: int, width: int, height: int, image_format: str, quality: int) -> tuple[Path, str]:
    """A cached rendered frame of the file: (path of the image, MIME type)."""
    key = hashlib.sha256(
        f"{file.pk}:{file.media.name}:{file.date_updated.isoformat()}:{frame_number}:{width}x{height}:{image_format}:{quality}".encode()
    ).hexdigest()
    cache_dir = Path(settings.THUMBNAIL_CACHE_DIR)
    cached = next(cache_dir.glob(f"{key}.*"), None) if cache_dir.exists() else None
    if cached is not None:
        return cached, mime_type_for_suffix(cached.suffix)
    from media_assets.fonts import font_file_paths  # fonts imports this module

    data, mime = render_frame(
            file_local_path(file), file.json, frame_number=frame_number, width=width, height=height,
        image_format=image_format, quality=quality, font_files=font_file_paths(),
    )
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"{key}{lookup_image_format(image_format).suffix}"
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a concurrent reader never sees half an image
    return target, mime
