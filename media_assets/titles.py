"""SVG titles made from the templates shipped with Montage: /projects/<id>/title/.

A template is an SVG in `title_templates/` filled in by Django's template
engine with autoescaping on, so whatever text a client sends lands in the
SVG as escaped XML text (`<`, `&`, quotes), never as markup. Every other
parameter is validated (colours as #rgb/#rrggbb, numbers in range, the
font one of the installed families) before it reaches a template.

The canvas is 1920x1080 like OpenShot's title templates; a title clip is
scaled to the project like any still (fit by default). The templates:

* `Center-Text.svg`: the text centred on the frame, one line per line.
* `Lower-Third.svg`: left-aligned text on a band across the lower third;
  the background colour fills that band rather than the whole frame.
* `Top-Text.svg`, `Bottom-Text.svg`: the text centred near the top or bottom edge.
* `Top-Bottom-Text.svg`: the first line at the top, the other lines at the bottom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Engine
from django.utils.text import slugify

from media_assets.models import File
from media_assets.hooks import IngestOrigin
from media_assets.ingest import file_ingest
from media_assets.svg import DEFAULT_FONT_FAMILY

TEMPLATES_DIR = Path(__file__).resolve().parent / "title_templates"
WIDTH, HEIGHT = 1920, 1080
COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MAX_TEXT_CHARACTERS = 2000

_engine = Engine(dirs=[str(TEMPLATES_DIR)], autoescape=True, debug=False)


def title_template_names() -> list[str]:
    """The shipped templates a client can name (file names, as OpenShot names them)."""
    return sorted(path.name for path in TEMPLATES_DIR.glob("*.svg") if not path.name.startswith("_"))


@dataclass(frozen=True)
class TitleStyle:
    """The OpenShot title parameters, already validated."""

    text: str
    font_size: float = 100.0
    font_name: str = DEFAULT_FONT_FAMILY
    fill_color: str = "#ffcc00"
    fill_opacity: float = 1.0
    stroke_color: str = "#000000"
    stroke_size: float = 3.0
    stroke_opacity: float = 1.0
    drop_shadow: bool = True
    background_color: str = "#000000"
    background_opacity: float = 0.0


def title_svg(template: str, style: TitleStyle) -> bytes:
    """The filled-in SVG document."""
    if template not in title_template_names():
        raise ValueError(f"unknown title template {template!r}")
    lines = style.text.replace("\r\n", "\n").replace("\r", "\n").split("\n") or [""]
    size = style.font_size
    line_height = round(size * 1.2, 3)
    block = line_height * (len(lines) - 1)
    ascent = round(size * 0.36, 3)  # baseline offset that centres a line of capitals and lower case
    rest = lines[1:]
    band_height = HEIGHT * 0.2 + block  # the lower third's band, its text centred in it
    band_top = HEIGHT * 0.92 - band_height
    context = {
        "width": WIDTH, "height": HEIGHT, "center_x": WIDTH / 2, "margin_x": 120,
        "title": style.text[:200],
        "lines": lines, "first_line": lines[0], "rest_lines": rest,
        "line_height": line_height,
        "middle_y": HEIGHT / 2, "first_dy": round(ascent - block / 2, 3),
        "top_y": round(HEIGHT * 0.08 + size, 3),
        "bottom_y": round(HEIGHT * 0.92 - block, 3),
        "rest_bottom_y": round(HEIGHT * 0.92 - line_height * max(len(rest) - 1, 0), 3),
        "band_y": round(band_top, 3), "band_height": round(band_height, 3),
        "band_text_y": round(band_top + band_height / 2 - block / 2 + ascent, 3),
        "font_family": f"'{style.font_name}', sans-serif",
        "font_size": size,
        "fill_color": style.fill_color, "fill_opacity": style.fill_opacity,
        "stroke_color": style.stroke_color, "stroke_size": style.stroke_size, "stroke_opacity": style.stroke_opacity,
        "drop_shadow": style.drop_shadow, "shadow_offset": round(max(2.0, size * 0.04), 3),
        "shadow_blur": round(max(1.0, size * 0.03), 3),
        "background_color": style.background_color, "background_opacity": style.background_opacity,
    }
    return _engine.get_template(template).render(Context(context)).encode("utf-8")


def title_file_name(template: str, text: str) -> str:
    stem = slugify(text.split("\n", 1)[0])[:40] or "title"
    return f"{Path(template).stem.lower()}-{stem}.svg"


def title_create(*, owner, project, template: str, style: TitleStyle) -> File:
    """Make the title SVG and add it to the project as a File (probed like any upload)."""
    name = title_file_name(template, style.text)
    upload = SimpleUploadedFile(name, title_svg(template, style), content_type="image/svg+xml")
    return file_ingest(source=upload, owner=owner, project=project, origin=IngestOrigin.TITLE,
                       json={"name": name, "title_template": {"template": template, "text": style.text}})
