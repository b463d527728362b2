"""SVG media (title files): recognised, measured and drawn without trusting it.

Pillow and FFmpeg do not read SVG, so Montage reads it here: the XML is
parsed with defusedxml (no entity declarations, no external DTDs), and an
SVG is accepted only when it is self-contained. Anything that points
outside the file (`<image href="/etc/...">`, `url(file:...)`, a CSS
`@import`, however escaped, or a DOCTYPE naming a DTD other than the W3C's
SVG ones) is refused: resvg would otherwise load local files it names.
Embedded `data:` images and in-document `#id` references are fine. What
"points outside" means, and how much an SVG may cost to draw (elements
after `<use>` expansion, filters), is `media_assets.svg_checks`.

resvg runs in a bounded child process (`media_assets.bounded_work`: wall
time, address space, a few at once), never in the caller's thread, after
the cost check has passed on the parsed tree.

Drawing uses resvg (a Rust renderer shipped as a wheel: no Cairo or other
system library) with only the fonts it is given, never the machine's, so a
title looks the same on every server. resvg is always asked for an exact
pixel box (it keeps the aspect ratio inside it): drawing an SVG at its own
declared size would let a file that declares 200000x100000 pixels exhaust
the memory.

The probe of an SVG follows libopenshot's QtImageReader, like other stills:
3600 s at 30 fps, `vcodec` "svg".
"""

from __future__ import annotations

import math
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from media_assets.bounded_work import WorkBusy, WorkRefused, raised_again, run_bounded
from media_assets.media_info import no_audio
from media_assets.svg_checks import external_references, svg_cost_refusal

#: SVGs are text; anything larger is not a title
MAX_SVG_BYTES = 10 * 1024 * 1024
#: how far into a file its root <svg> element may start
SNIFF_BYTES = 4096
#: resvg's size for an SVG that declares none
DEFAULT_SIZE = (100.0, 100.0)

#: the free fonts shipped with Montage (see media_assets.fonts), used when no font list is given
SHIPPED_FONTS_DIR = Path(__file__).resolve().parent / "shipped_fonts"
FONT_SUFFIXES = (".ttf", ".otf")
#: OpenShot's default title font, and the shipped family text in a missing family falls back to
DEFAULT_FONT_FAMILY = "Bitstream Vera Sans"
FALLBACK_FONT_FAMILY = "DejaVu Sans"

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

#: CSS units in user units (px) at 96 dpi, as SVG defines them
_UNITS = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]*)\s*$")
#: the DTDs a DOCTYPE may name (editors write them; nothing reads them)
SVG_DTDS = frozenset({
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
    "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd",
    "http://www.w3.org/TR/2001/PR-SVG-20010719/DTD/svg10.dtd",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-flat-20030114.dtd",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-basic.dtd",
    "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-tiny.dtd",
})
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]")


@raised_again
class SvgRefused(ValueError):
    """The file is not an SVG Montage accepts; the message says why (shown to the uploader)."""


def looks_like_svg(path: str | os.PathLike) -> bool:
    """Whether the file starts like an SVG document (an <svg> root within its first bytes)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not (text.startswith(b"<svg") or text.startswith(b"<?xml") or text.startswith(b"<!")):
        return False
    return _ROOT_TAG.search(head) is not None


def parse_svg(data: bytes) -> Element:
    """The SVG's root element; SvgRefused when it is not a well-formed, self-contained SVG."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgRefused(f"the SVG is larger than {MAX_SVG_BYTES // (1024 * 1024)} MiB")
    try:
        root = _parse_xml(data)
    except SvgRefused:
        raise
    except DefusedXmlException as error:
        raise SvgRefused("SVG files with entity declarations or external DTDs are not accepted") from error
    except (ParseError, ValueError) as error:
        raise SvgRefused(f"the SVG is not well-formed XML ({error})") from error
    if root.tag not in ("svg", f"{{{SVG_NAMESPACE}}}svg"):
        raise SvgRefused("the XML document's root element is not <svg>")
    outside = external_references(root)
    if outside:
        raise SvgRefused(
            f"the SVG refers to files or URLs outside itself ({', '.join(sorted(outside)[:3])}); "
            "embed images as data: URLs"
        )
    too_costly = svg_cost_refusal(root)
    if too_costly:
        raise SvgRefused(too_costly)
    return root


def _parse_xml(data: bytes) -> Element:
    """defusedxml's parser, also refusing a DOCTYPE that names a DTD other than the W3C's SVG ones."""
    parser = DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)

    def doctype(name, system_id, public_id, has_internal_subset):
        if system_id and system_id.strip() not in SVG_DTDS:
            raise SvgRefused(f"the SVG's DOCTYPE names an outside file ({system_id[:100]}); remove the DOCTYPE")

    parser.parser.StartDoctypeDeclHandler = doctype
    parser.feed(data)
    return parser.close()


def read_svg(path: str | os.PathLike) -> tuple[bytes, Element]:
    """The file's bytes and parsed root, checked as `parse_svg` checks them."""
    size = os.path.getsize(path)
    if size > MAX_SVG_BYTES:
        raise SvgRefused(f"the SVG is larger than {MAX_SVG_BYTES // (1024 * 1024)} MiB")
    data = Path(path).read_bytes()
    return data, parse_svg(data)


def svg_size(root: Element) -> tuple[float, float]:
    """The SVG's size in pixels: width/height (absolute units), else its viewBox, else 100x100."""
    view_box = _view_box(root.get("viewBox"))
    width = _length(root.get("width"))
    height = _length(root.get("height"))
    if width and height:
        return width, height
    if view_box:
        box_width, box_height = view_box
        if width:
            return width, width * box_height / box_width
        if height:
            return height * box_width / box_height, height
        return box_width, box_height
    return width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1]


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match or match.group(2) not in _UNITS:
        return None  # percentages and font-relative units mean "use the viewBox"
    number = float(match.group(1)) * _UNITS[match.group(2)]
    return number if math.isfinite(number) and number > 0 else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    parts = re.split(r"[\s,]+", (value or "").strip())
    if len(parts) != 4:
        return None
    try:
        width, height = float(parts[2]), float(parts[3])
    except ValueError:
        return None
    return (width, height) if math.isfinite(width * height) and width > 0 and height > 0 else None


def fit_size(size: tuple[float, float], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size with the SVG's aspect ratio inside `box` (whole pixels, at least 1)."""
    width, height = size
    scale = min(box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def shipped_font_files() -> list[str]:
    return [str(path) for path in sorted(SHIPPED_FONTS_DIR.iterdir()) if path.suffix.lower() in FONT_SUFFIXES]


def rasterise_svg(
    data: bytes,
    box: tuple[int, int],
    *,
    font_files: Sequence[str] | None = None,
    default_family: str = DEFAULT_FONT_FAMILY,
    fallback_family: str = FALLBACK_FONT_FAMILY,
) -> bytes:
    """PNG bytes of the SVG drawn to fit inside `box`, with only `font_files` (default: the shipped ones) as fonts.

    Text in a family that is not among the fonts falls back to the generic
    families, all mapped to `fallback_family`. Raises SvgRefused when the
    SVG is refused or resvg cannot draw it.
    """
    root = parse_svg(data)
    width, height = fit_size(svg_size(root), box)
    font_files = shipped_font_files() if font_files is None else font_files
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SvgRefused("the SVG is not UTF-8 text") from error
    try:
        return run_bounded(
            "media_assets.svg:draw_with_resvg", text, width, height, [str(path) for path in font_files],
            default_family, fallback_family,
        )
    except WorkRefused as error:
        raise SvgRefused(str(error)) from error


def draw_with_resvg(text: str, width: int, height: int, font_files: list[str], default_family: str,
                    fallback_family: str) -> bytes:
    """resvg itself (run by `run_bounded` in the child): PNG bytes of `text` drawn at width x height."""
    import resvg_py  # only the child needs it

    try:
        return resvg_py.svg_to_bytes(
            svg_string=text,
            width=width,
            height=height,
            dpi=96.0,  # CSS units (in, mm, pt) as SVG defines them; resvg-py's default of 0 makes them invalid
            skip_system_fonts=True,
            font_files=font_files,
            font_family=default_family,
            sans_serif_family=fallback_family,
            serif_family=fallback_family,
            monospace_family=fallback_family,
            cursive_family=fallback_family,
            fantasy_family=fallback_family,
        )
    except ValueError as error:
        raise SvgRefused(f"the SVG cannot be drawn ({error})") from error


def describe_svg(path: str | os.PathLike, *, max_image_pixels: int) -> dict[str, Any]:
    """The probe of an SVG file, under OpenShot's keys (a still, as QtImageReader reports it)."""
    data, root = read_svg(path)
    width, height = (max(1, round(side)) for side in svg_size(root))
    if width * height > max_image_pixels:
        raise SvgRefused(f"the SVG is {width}x{height} pixels, over the limit of {max_image_pixels:,} pixels")
    try:
        rasterise_svg(data, (min(width, 64), min(height, 64)))  # proves resvg can draw it
    except WorkBusy as error:
        raise SvgRefused(str(error)) from error
    fps = Fraction(30)
    seconds = 3600.0
    ratio = Fraction(width, height)
    return {
        "type": "QtImageReader",
        "media_type": "image",
        "has_video": True,
        "has_single_image": True,
        "duration": seconds,
        "fps": {"num": fps.numerator, "den": fps.denominator},
        "video_length": str(round(seconds * fps)),
        "video_timebase": {"num": 1, "den": 30},
        "video_stream_index": -1,
        "vcodec": "svg",
        "width": width,
        "height": height,
        "pixel_ratio": {"num": 1, "den": 1},
        "display_ratio": {"num": ratio.numerator, "den": ratio.denominator},
        "pixel_format": "rgba",
        "video_bit_rate": 0,
        "interlaced_frame": False,
        "top_field_first": True,
        **no_audio(),
        "file_size": str(len(data)),
        "metadata": _metadata(root),
    }


def _metadata(root: Element) -> dict[str, str]:
    tags = {}
    for element in root:
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag in ("title", "desc") and element.text and element.text.strip():
            tags[tag] = element.text.strip()[:1000]
    return tags
