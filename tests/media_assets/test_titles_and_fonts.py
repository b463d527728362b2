"""/projects/<id>/title/, SVG as media, /info/fonts/ and /info/fonts/thumbnail/."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from PIL import Image

from media_assets.models import File
from media_assets.titles import title_template_names
from tests.factories import create_project, ok

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def project(api):
    return create_project(api, name="Titles")


def _title(api, project, **params) -> dict:
    return ok(api.post(f"/projects/{project['id']}/title/", {"text": "Hello", **params}, format="json"), 201)


def _svg(file: dict, media_root: Path) -> ET.Element:
    return ET.fromstring((media_root / File.objects.get(pk=file["id"]).media.name).read_bytes())


def test_the_shipped_templates():
    assert {"Center-Text.svg", "Lower-Third.svg", "Top-Text.svg", "Bottom-Text.svg", "Top-Bottom-Text.svg"} <= set(
        title_template_names())


def test_a_title_is_an_svg_file_added_to_the_project(api, project, isolated_media):
    file = _title(api, project, template="Center-Text.svg", text="Text of title", font_size=100.0,
                  font_name="Bitstream Vera Sans", fill_color="#ffcc00", fill_opacity=1.0, stroke_color="#000000",
                  stroke_size=3.0, stroke_opacity=1.0, drop_shadow=True, background_color="#000000", background_opacity=0.0)

    assert file["project"] == project["url"]
    probe = file["json"]
    assert (probe["media_type"], probe["vcodec"], probe["width"], probe["height"]) == ("image", "svg", 1920, 1080)
    assert probe["has_single_image"] is True and probe["duration"] == 3600.0
    assert file["json"]["name"].endswith(".svg")
    root = _svg(file, isolated_media)
    text = root.find(f".//{SVG}text")
    assert "".join(text.itertext()) == "Text of title"
    assert (text.get("fill"), text.get("font-size"), text.get("stroke-width")) == ("#ffcc00", "100.0", "3.0")
    assert text.get("filter") == "url(#shadow)"
    assert ok(api.get(project["url"]))["files"] == [file["url"]]


def test_title_text_is_escaped_as_xml(api, project, isolated_media):
    hostile = 'A & B <script>alert(1)</script> "quoted" \'single\' ]]> <!ENTITY x>'
    file = _title(api, project, text=hostile)
    root = _svg(file, isolated_media)
    assert "".join(root.find(f".//{SVG}text").itertext()) == hostile
    assert root.find(f".//{SVG}script") is None


def test_multi_line_text_and_top_bottom_template(api, project, isolated_media):
    file = _title(api, project, template="top-bottom-text", text="Top line\nBottom one\nBottom two", drop_shadow=False)
    root = _svg(file, isolated_media)
    top, bottom = root.findall(f".//{SVG}text")
    assert [t.text for t in top] == ["Top line"]
    assert [t.text for t in bottom] == ["Bottom one", "Bottom two"]
    assert top.get("filter") is None


@pytest.mark.parametrize("params, field, listed", [
    ({"template": "Fancy.svg"}, "template", "Lower-Third.svg"),
    ({"font_name": "Comic Sans"}, "font_name", "DejaVu Sans"),
    ({"fill_color": "yellow"}, "fill_color", ""),
    ({"fill_opacity": 2}, "fill_opacity", ""),
    ({"text": "   "}, "text", "needs some text"),
    ({"text": "bell\x07"}, "text", "control characters"),
    ({"font_size": 0}, "font_size", ""),
])
def test_bad_title_parameters_are_400s(api, project, params, field, listed):
    response = api.post(f"/projects/{project['id']}/title/", {"text": "Hello", **params}, format="json")
    assert response.status_code == 400, response.data
    assert field in response.data and listed in str(response.data[field])
    assert not File.objects.filter(project_id=project["id"]).exists()


def test_a_title_has_a_thumbnail_with_its_text_drawn(api, project):
    file = _title(api, project, text="WWWWWW", font_size=300, fill_color="#ff0000", stroke_size=0, drop_shadow=False)
    response = api.get(f"/files/{file['id']}/thumbnail/?width=480&height=270&image_format=PNG")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")
    data = image.tobytes()
    reds = sum(1 for i in range(0, len(data), 3) if data[i] > 200 and data[i + 1] < 60 and data[i + 2] < 60)
    assert reds > 2000  # the red letters across the middle


# --- SVG uploads ---------------------------------------------------------------------------------


def _upload_svg(api, project, body: str):
    upload = SimpleUploadedFile("drawing.svg", body.encode(), content_type="image/svg+xml")
    return api.post("/files/", {"media": upload, "project": project["url"]}, format="multipart")


def test_a_self_contained_svg_upload_is_an_image(api, project):
    response = _upload_svg(api, project, '<svg xmlns="http://www.w3.org/2000/svg" width="4in" height="3in">'
                                         '<title>Logo</title><rect width="10" height="10"/></svg>')
    file = ok(response, 201)
    assert (file["json"]["width"], file["json"]["height"], file["json"]["metadata"]) == (384, 288, {"title": "Logo"})


@pytest.mark.parametrize("body, reason", [
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     '<image xlink:href="/etc/passwd" width="10" height="10"/></svg>', "outside itself"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/hostname"/></svg>', "outside itself"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://127.0.0.1/x.css);</style></svg>', "outside itself"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://10.0.0.1/p)"/></svg>', "outside itself"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', "entity"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "entity"),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="100000"/>', "over the limit"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed"),
])
def test_an_svg_that_reaches_outside_itself_or_is_broken_is_refused(api, project, body, reason):
    response = _upload_svg(api, project, body)
    assert response.status_code == 400, response.data
    assert reason in str(response.data["media"])


# --- fonts ---------------------------------------------------------------------------------------


def make_font(path: Path, family: str, style: str = "Regular") -> Path:
    """A tiny TrueType font (a square for "A") named `family`."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "A", "space"])
    builder.setupCharacterMap({ord("A"): "A", ord(" "): "space"})
    pen = TTGlyphPen(None)
    pen.moveTo((100, 0)); pen.lineTo((100, 700)); pen.lineTo((600, 700)); pen.lineTo((600, 0)); pen.closePath()
    square = pen.glyph()
    builder.setupGlyf({".notdef": square, "A": square, "space": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (700, 100), "A": (700, 100), "space": (300, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": style})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))
    return path


def test_info_lists_effects_and_fonts(api):
    info = ok(api.get("/info/"))
    assert info["fonts"].endswith("/info/fonts/") and info["effects"].endswith("/info/effects/")


def test_the_shipped_fonts_are_listed(api):
    listing = ok(api.get("/info/fonts/"))
    families = {entry["family"]: entry for entry in listing["fonts"]}
    assert families["Bitstream Vera Sans"]["styles"] == ["Bold", "Bold Oblique", "Oblique", "Roman"]
    assert "Book" in families["DejaVu Sans"]["styles"] and families["DejaVu Sans"]["source"] == "shipped"
    assert listing["count"] == len(listing["fonts"])


def test_a_font_file_is_added_then_usable_in_titles(api, project, tmp_path):
    path = make_font(tmp_path / "montage-test.ttf", "Montage Test Sans")
    with open(path, "rb") as handle:
        listing = ok(api.post("/info/fonts/", {"font_file": handle}, format="multipart"), 201)
    assert {"family": "Montage Test Sans", "styles": ["Regular"], "source": "added"} in listing["fonts"]

    file = _title(api, project, text="AAA", font_name="montage test sans")
    assert file["json"]["vcodec"] == "svg"
    with open(path, "rb") as handle:
        again = api.post("/info/fonts/", {"font_file": handle}, format="multipart")
    assert again.status_code == 400 and "already installed" in str(again.data["font_file"])


@pytest.mark.parametrize("name, data, message", [
    ("notes.ttf", b"this is not a font at all" * 20, "not a TrueType or OpenType font"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "TrueType or OpenType"),
    ("empty.otf", b"", "empty"),
])
def test_a_file_that_is_not_a_font_is_refused(api, name, data, message):
    response = api.post("/info/fonts/", {"font_file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 400, response.data
    assert message in str(response.data["font_file"])


def test_post_without_a_file_refreshes_the_list(api):
    assert ok(api.post("/info/fonts/", {}, format="multipart"))["count"] >= 2


def test_the_fonts_thumbnail_shows_every_face(api):
    response = api.get("/info/fonts/thumbnail/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and image.height >= 6 * 64


def test_fonts_need_authentication(anonymous):
    assert anonymous.get("/info/fonts/").status_code in (401, 403)
