"""Thumbnails of media files: /files/<id>/thumbnail/ and an asset's poster/.

A frame is rendered (media_assets.thumbnails, with the file owner's fonts
for SVG titles) once per file version and set of parameters, then kept
in THUMBNAIL_CACHE_DIR under a key made of both: a changed file (its
`date_updated`) or other parameters miss the cache, the same request
hits it.

Rendering decodes hostile media (an SVG, a 100-megapixel PNG), so it runs
in a bounded child (`media_assets.bounded_work`): past its time or memory
limit the answer is a 400 saying which, and when every slot stays busy a
503 with Retry-After; the web thread only waits.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework.exceptions import APIException

from config.media.image_formats import image_format as lookup_image_format, mime_type_for_suffix
from media_assets.fonts import font_file_paths
from media_assets.models import File
from media_assets.services import file_local_path
from media_assets.bounded_work import WorkBusy, run_bounded


class ThumbnailBusy(APIException):
    status_code = 503
    default_detail = "The server is busy drawing other thumbnails; try again in a few seconds."
    default_code = "busy"

    def __init__(self, detail=None):
        super().__init__(detail)
        self.wait = 5  # DRF's handler sends it as Retry-After


def file_thumbnail(*, file: File, frame_number: int, width: int, height: int, image_format: str, quality: int) -> tuple[Path, str]:
    """A cached rendered frame of the file: (path of the image, MIME type)."""
    key = hashlib.sha256(
        f"{file.pk}:{file.media.name}:{file.date_updated.isoformat()}:{frame_number}:{width}x{height}:{image_format}:{quality}".encode()
    ).hexdigest()
    cache_dir = Path(settings.THUMBNAIL_CACHE_DIR)
    cached = next(cache_dir.glob(f"{key}.*"), None) if cache_dir.exists() else None
    if cached is not None:
        return cached, mime_type_for_suffix(cached.suffix)
    try:
        data, mime = run_bounded(
            "media_assets.thumbnails:render_frame", file_local_path(file), file.json, frame_number=frame_number,
            width=width, height=height, image_format=image_format, quality=quality, font_files=font_file_paths(owner=file.owner),
        )
    except WorkBusy as error:
        raise ThumbnailBusy() from error
    except ValueError as error:  # WorkRefused, NotMedia, SvgRefused: the file, not the request
        raise ValidationError({"detail": [f"No thumbnail of {file.name}: {error}"]}) from error
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"{key}{lookup_image_format(image_format).suffix}"
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)  # atomic: a concurrent reader never sees half an image
    return target, mime
