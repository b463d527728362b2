"""The fonts titles are drawn with: those shipped with Montage and those users add.

Titles must look the same on every server, so SVGs are never drawn with a
machine's own fonts, only with these:

* `shipped_fonts/`: Bitstream Vera Sans (OpenShot's default title font,
  so scripts written for it render as documented) and DejaVu Sans (Vera's
  successor with far wider character coverage, the fallback for text in a
  family that is not installed). Both are free fonts; their licences are in
  the folder.
* fonts added through `POST /info/fonts/`: checked to be TrueType/OpenType
  fonts with fontTools and FreeType, then kept in the media storage under
  `fonts/`, so every web server and render worker sees them (a worker whose
  storage is not a local folder copies them to its media cache first,
  media_assets.cache).

The font list is cached per process and rebuilt whenever the set of font
files changes (or on `fonts_refresh()`), so listing is cheap.
"""

from __future__ import annotations

import logging
import posixpath
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

from media_assets.cache import cached_media_path
from media_assets.local_files import upload_local_path
from media_assets.svg import FONT_SUFFIXES, shipped_font_files

log = logging.getLogger("montage.media")

ADDED_FONTS_PREFIX = "fonts"
MAX_FONT_BYTES = 20 * 1024 * 1024

# name table ids (OpenType spec): typographic family/subfamily win over the legacy ones
_FAMILY_IDS = (16, 1)
_STYLE_IDS = (17, 2)


@dataclass(frozen=True)
class FontFace:
    family: str
    style: str
    path: str  # local file resvg and Pillow read
    source: str  # "shipped" | "added"


class _Cache:
    lock = threading.Lock()
    signature: tuple | None = None
    faces: list[FontFace] = []


def installed_fonts() -> list[FontFace]:
    """Every installed font face, shipped ones first, each list sorted by family then style."""
    files = _font_files()
    signature = tuple((path, source, Path(path).stat().st_size) for path, source in files)
    with _Cache.lock:
        if signature != _Cache.signature:
            faces = []
            for path, source in files:
                try:
                    family, style = _names_of(path)
                except ValueError as error:  # a file that went bad after it was added: skip, say so
                    log.warning("font %s is unreadable and is ignored: %s", path, error)
                    continue
                faces.append(FontFace(family, style, path, source))
            _Cache.faces = sorted(faces, key=lambda face: (face.source != "shipped", face.family.lower(), face.style))
            _Cache.signature = signature
        return list(_Cache.faces)


def fonts_refresh() -> list[FontFace]:
    """Forget the cached list and read the font files again."""
    with _Cache.lock:
        _Cache.signature = None
    return installed_fonts()


def font_families() -> list[dict]:
    """[{"family", "styles", "source"}] for /info/fonts/."""
    families: dict[str, dict] = {}
    for face in installed_fonts():
        entry = families.setdefault(face.family, {"family": face.family, "styles": [], "source": face.source})
        if face.style not in entry["styles"]:
            entry["styles"].append(face.style)
    return list(families.values())


def font_family_names() -> list[str]:
    return [entry["family"] for entry in font_families()]


def font_file_paths() -> list[str]:
    """Local paths of every installed font, for the SVG rasteriser."""
    return [face.path for face in installed_fonts()]


def font_add(*, upload: UploadedFile) -> FontFace:
    """Check the upload is a font not already installed, store it, refresh the list."""
    suffix = posixpath.splitext(upload.name or "")[1].lower()
    if suffix not in FONT_SUFFIXES:
        raise ValidationError({"font_file": [f"Upload a TrueType or OpenType font ({', '.join(FONT_SUFFIXES)})."]})
    if not upload.size or upload.size > MAX_FONT_BYTES:
        raise ValidationError({"font_file": [f"A font file must hold 1 byte to {MAX_FONT_BYTES // 2**20} MiB."]})
    with upload_local_path(upload) as path:
        try:
            family, style = _names_of(path)
        except ValueError as error:
            raise ValidationError({"font_file": [str(error)]}) from error
    taken = {(face.family.lower(), face.style.lower()) for face in installed_fonts()}
    if (family.lower(), style.lower()) in taken:
        raise ValidationError({"font_file": [f"The font {family} {style} is already installed."]})
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{family}-{style}").strip("-") or "font"
    upload.seek(0)
    name = default_storage.save(f"{ADDED_FONTS_PREFIX}/{stem}{suffix}", upload)
    log.info("font %s %s added as %s", family, style, name)
    fonts_refresh()
    return next(face for face in installed_fonts() if face.family == family and face.style == style)


# --- internals -----------------------------------------------------------------------------------


def _names_of(path: str) -> tuple[str, str]:
    """(family, style) of a font file; ValueError when it is not a usable font."""
    try:
        with TTFont(path, fontNumber=0, lazy=False) as font:
            if "name" not in font or "cmap" not in font or "head" not in font:
                raise ValueError("The file is not a font: it lacks the name, cmap or head table.")
            if not ({"glyf", "loca"} <= set(font.keys()) or "CFF " in font or "CFF2" in font):
                raise ValueError("The file is not a font: it has no glyph outlines (glyf or CFF).")
            names = font["name"]
            family = next((str(n) for i in _FAMILY_IDS if (n := names.getDebugName(i))), "")
            style = next((str(n) for i in _STYLE_IDS if (n := names.getDebugName(i))), "") or "Regular"
    except ValueError:
        raise
    except (TTLibError, OSError) as error:
        raise ValueError(f"The file is not a TrueType or OpenType font ({error}).") from error
    except Exception as error:  # fontTools raises whatever its parsers hit on malformed tables
        raise ValueError(f"The font is damaged ({error.__class__.__name__}: {error}).") from error
    if not family.strip():
        raise ValueError("The font has no family name.")
    try:  # what draws the /info/fonts/thumbnail/ must read it too
        ImageFont.truetype(path, 24).getbbox("Montage")
    except (OSError, ValueError) as error:
        raise ValueError(f"FreeType cannot draw this font ({error}).") from error
    return family.strip()[:200], style.strip()[:100]


def _font_files() -> list[tuple[str, str]]:
    shipped = [(path, "shipped") for path in shipped_font_files()]
    return shipped + [(path, "added") for path in _added_font_paths()]


def _added_font_paths() -> list[str]:
    try:
        _dirs, names = default_storage.listdir(ADDED_FONTS_PREFIX)
    except (FileNotFoundError, NotADirectoryError):
        return []
    paths = []
    for name in sorted(posixpath.basename(name) for name in names):  # Azure lists whole blob names
        if posixpath.splitext(name)[1].lower() in FONT_SUFFIXES:
            paths.append(cached_media_path(f"{ADDED_FONTS_PREFIX}/{name}"))
    return paths
