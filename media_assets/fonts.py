"""The fonts titles are drawn with: those shipped with Montage, global ones, and each user's own.

Titles must look the same on every server, so SVGs are never drawn with a
machine's own fonts, only with these:

* `shipped_fonts/`: Bitstream Vera Sans (OpenShot's default title font,
  so scripts written for it render as documented) and DejaVu Sans (Vera's
  successor with far wider character coverage, the fallback for text in a
  family that is not installed). Both are free fonts; their licences are in
  the folder.
* `Font` rows: a user's own fonts (added through `POST /info/fonts/`,
  removed through `DELETE /info/fonts/<id>/`), visible to that user only,
  and global fonts (no owner), which staff manage in the admin. Each is
  checked to be a TrueType/OpenType font with fontTools and FreeType and
  kept in the media storage under `fonts/`, so every web server and render
  worker sees it (a worker whose storage is not a local folder copies it to
  its media cache first, media_assets.cache).

Which fonts a drawing uses follows the media's owner: a title is drawn with
its owner's fonts wherever it is shown, also to a catalog viewer it is
shared with; sharing a catalog does not let the viewer use the owner's fonts
in their own titles (fonts are licensed to whoever uploaded them).

Bounds: `MONTAGE_FONTS_PER_USER` fonts of at most `MONTAGE_FONT_MAX_BYTES`
each per user; a family name is letters, digits, spaces and `.`, `_`, `-`,
`+` only (it lands in SVG and CSS). Family and style are read once, when a
font is added, and kept in its row; the shipped fonts are read once a process.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

from media_assets.cache import cached_media_path
from media_assets.local_files import upload_local_path
from media_assets.models import Font
from media_assets.svg import FONT_SUFFIXES, shipped_font_files

log = logging.getLogger("montage.media")

ADDED_FONTS_PREFIX = "fonts"
MAX_FONT_BYTES = 20 * 1024 * 1024
FONTS_PER_USER = 50
#: what a family name may hold: it is written into SVG attributes and CSS font-family lists
FAMILY_NAME = re.compile(r"^[^\W_][\w .+-]{0,99}$")

# name table ids (OpenType spec): typographic family/subfamily win over the legacy ones
_FAMILY_IDS = (16, 1)
_STYLE_IDS = (17, 2)


@dataclass(frozen=True)
class FontFace:
    family: str
    style: str
    source: str  # "shipped" | "global" | "added"
    id: int | None = None  # the Font row; None for shipped fonts
    local: str = ""  # a local file (shipped fonts)
    stored: str = ""  # the storage name (Font rows)

    @property
    def path(self) -> str:
        """The local file resvg and Pillow read (a stored font is copied to the media cache if need be)."""
        return self.local or cached_media_path(self.stored)


def installed_fonts(*, owner=None) -> list[FontFace]:
    """The faces `owner` may use: shipped, then global, then their own; each sorted by family then style."""
    rows = Font.objects.filter(Q(owner__isnull=True) | Q(owner=owner) if owner is not None else Q(owner__isnull=True))
    faces = [FontFace(row.family, row.style, "global" if row.owner_id is None else "added", row.id, stored=row.file.name)
             for row in rows.only("id", "owner_id", "family", "style", "file")]
    order = {"shipped": 0, "global": 1, "added": 2}
    return _shipped_faces() + sorted(faces, key=lambda face: (order[face.source], face.family.lower(), face.style))


@functools.cache
def _shipped_faces() -> list[FontFace]:
    faces = [FontFace(*_names_of(path), "shipped", local=path) for path in shipped_font_files()]
    return sorted(faces, key=lambda face: (face.family.lower(), face.style))


def fonts_refresh() -> None:
    """Read the shipped fonts again (the rows need no refresh: they are read on each listing)."""
    _shipped_faces.cache_clear()


def font_families(*, owner=None) -> list[dict]:
    """[{"family", "styles", "source"}] for /info/fonts/."""
    families: dict[str, dict] = {}
    for face in installed_fonts(owner=owner):
        entry = families.setdefault(face.family, {"family": face.family, "styles": [], "source": face.source})
        if face.style not in entry["styles"]:
            entry["styles"].append(face.style)
    return list(families.values())


def font_family_names(*, owner=None) -> list[str]:
    return [entry["family"] for entry in font_families(owner=owner)]


def font_file_paths(*, owner=None) -> list[str]:
    """Local paths of every font `owner` may use, for the SVG rasteriser."""
    paths = []
    for face in installed_fonts(owner=owner):
        try:
            paths.append(face.path)
        except FileNotFoundError:  # a row whose bytes went missing: draw without it, say so
            log.warning("font %s (%s %s) is missing from storage and is not used", face.id, face.family, face.style)
    return paths


def font_family_refusal(family: str) -> str | None:
    """Why `family` cannot be a font family name, or None."""
    if FAMILY_NAME.match(family):
        return None
    return (f"The font's family name {family[:100]!r} holds characters a family name may not "
            "(only letters, digits, spaces and . _ - + are allowed).")


def font_add(*, upload: UploadedFile, owner) -> Font:
    """Check the upload is a font `owner` may add (`font_check`) and store it."""
    family, style = font_check(upload=upload, owner=owner)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{family}-{style}").strip("-") or "font"
    suffix = posixpath.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    font = Font(owner=owner, family=family, style=style, size=upload.size)
    font.file.save(f"{stem}{suffix}", upload, save=False)
    font.save()
    log.info("font %s %s added as %s for %s", family, style, font.file.name, owner or "everyone")
    return font


def font_check(*, upload: UploadedFile, owner) -> tuple[str, str]:
    """(family, style) of a font `owner` (None: global) may add: format, name, quota, not already installed."""
    suffix = posixpath.splitext(upload.name or "")[1].lower()
    if suffix not in FONT_SUFFIXES:
        raise ValidationError({"font_file": [f"Upload a TrueType or OpenType font ({', '.join(FONT_SUFFIXES)})."]})
    max_bytes = getattr(settings, "MONTAGE_FONT_MAX_BYTES", MAX_FONT_BYTES)
    if not upload.size or upload.size > max_bytes:
        raise ValidationError({"font_file": [f"A font file must hold 1 byte to {max_bytes:,} bytes."]})
    per_user = getattr(settings, "MONTAGE_FONTS_PER_USER", FONTS_PER_USER)
    if owner is not None and Font.objects.filter(owner=owner).count() >= per_user:
        raise ValidationError({"font_file": [
            f"You have {per_user} fonts, the most one user may add; delete one (DELETE /info/fonts/<id>/) first."]})
    with upload_local_path(upload) as path:
        try:
            family, style = _names_of(path)
        except ValueError as error:
            raise ValidationError({"font_file": [str(error)]}) from error
    refusal = font_family_refusal(family) or font_family_refusal(style)
    if refusal:
        raise ValidationError({"font_file": [refusal]})
    taken = {(face.family.lower(), face.style.lower()) for face in installed_fonts(owner=owner)}
    if (family.lower(), style.lower()) in taken:
        raise ValidationError({"font_file": [f"The font {family} {style} is already installed."]})
    return family, style


def font_delete(*, font: Font) -> None:
    """Remove the font; its bytes go once the deletion is committed."""
    name, storage, pk = font.file.name, font.file.storage, font.pk
    font.delete()
    transaction.on_commit(lambda: storage.delete(name))
    log.info("font %s (%s %s) deleted", pk, font.family, font.style)


# --- internals -----------------------------------------------------------------------------------


def font_names(path: str) -> tuple[str, str]:
    """(family, style) of a local font file; ValueError when it is not a usable font."""
    return _names_of(path)


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
    return family.strip()[:100], style.strip()[:100]
