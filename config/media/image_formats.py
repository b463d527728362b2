"""The still-image formats Montage writes: one table for file thumbnails, project frames and caches.

Keys are OpenShot's format names (any case is accepted by `image_format`).
ffmpeg writes most of them directly; XBM and XPM it cannot, so a frame is
rendered as PNG and converted by Pillow (`ffmpeg_writes` False).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageFormat:
    name: str  # OpenShot's name, upper case
    pillow: str  # Pillow's format name
    mime_type: str
    suffix: str  # file name suffix, with the dot
    ffmpeg_writes: bool = True


IMAGE_FORMATS: dict[str, ImageFormat] = {fmt.name: fmt for fmt in (
    ImageFormat("JPG", "JPEG", "image/jpeg", ".jpg"),
    ImageFormat("JPEG", "JPEG", "image/jpeg", ".jpg"),
    ImageFormat("PNG", "PNG", "image/png", ".png"),
    ImageFormat("BMP", "BMP", "image/bmp", ".bmp"),
    ImageFormat("PPM", "PPM", "image/x-portable-pixmap", ".ppm"),
    ImageFormat("GIF", "GIF", "image/gif", ".gif"),
    ImageFormat("WEBP", "WEBP", "image/webp", ".webp"),
    ImageFormat("XBM", "XBM", "image/x-xbitmap", ".xbm", ffmpeg_writes=False),
    ImageFormat("XPM", "XPM", "image/x-xpixmap", ".xpm", ffmpeg_writes=False),
)}

#: Pillow formats whose encoder takes a quality
QUALITY_FORMATS = frozenset({"JPEG", "WEBP"})

_BY_SUFFIX = {fmt.suffix: fmt for fmt in IMAGE_FORMATS.values()}


def image_format(name: str) -> ImageFormat:
    """The format called `name` (any case, "jpg" or "JPEG"); ValueError naming the valid ones."""
    try:
        return IMAGE_FORMATS[name.upper()]
    except (KeyError, AttributeError):
        valid = ", ".join(IMAGE_FORMATS)
        raise ValueError(f"image format {name!r} is not supported; use one of {valid}") from None


def mime_type_for_suffix(suffix: str) -> str:
    """The MIME type of an image file named with `suffix` (".png"), octet-stream when unknown."""
    fmt = _BY_SUFFIX.get(suffix.lower())
    return fmt.mime_type if fmt else "application/octet-stream"
