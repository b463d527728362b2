"""Round trips through the renderer: a loaded project renders the same frame; titles render."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops

from tests import mediagen
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

SMALL = {"width": 320, "height": 180, "fps_num": 30, "fps_den": 1}


def _frame(api, project: dict, frame_number: int, size: tuple[int, int] = (320, 180)) -> Image.Image:
    response = api.get(f"/projects/{project['id']}/thumbnail/",
                       {"frame_number": frame_number, "width": size[0], "height": size[1], "image_format": "PNG"})
    assert response.status_code == 200, getattr(response, "data", response)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return Image.open(io.BytesIO(data)).convert("RGB")


def _same(first: Image.Image, second: Image.Image) -> bool:
    return ImageChops.difference(first, second).getbbox() is None


@pytest.fixture
def produced(api, video_path, image_path):
    """A video with a fade and a zoom, a still scaled into a corner, and a title over both."""
    project = create_project(api, name="Produced", **SMALL)
    video = upload_file(api, project, video_path)
    still = upload_file(api, project, image_path)
    clip = create_clip(api, project, video, position=0.0, start=0.2, end=2.0, layer=1)
    ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": "Fade In", "length_in_seconds": 0.5}, format="json"))
    ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": "Zoom In", "length_in_seconds": 1.0, "curve": "Linear"},
                format="json"))
    corner = create_clip(api, project, still, position=0.3, start=0.0, end=1.5, layer=2)
    ok(api.post(f"/clips/{corner['id']}/presets/", {"preset": "Top Right"}, format="json"))
    title = ok(api.post(f"/projects/{project['id']}/title/", {"text": "Round trip", "font_size": 160}, format="json"), 201)
    create_clip(api, project, title, position=0.0, start=0.0, end=1.8, layer=3)
    return project


def test_json_loaded_into_a_new_project_renders_the_same_frames(api, worker, produced):
    osp = ok(api.get(f"/projects/{produced['id']}/json/"))
    copy = create_project(api, name="Loaded", **SMALL)
    ok(api.post(f"/projects/{copy['id']}/load/", {"json": osp}, format="json"))

    for frame_number in (5, 20, 40):
        assert _same(_frame(api, produced, frame_number), _frame(api, copy, frame_number)), frame_number


def test_a_downloaded_archive_loaded_again_renders_the_same_frame(api, worker, produced):
    response = api.get(f"/projects/{produced['id']}/download/")
    archive = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(archive)).testzip() is None
    copy = create_project(api, name="Unzipped", **SMALL)
    ok(api.post(f"/projects/{copy['id']}/load/", {"archive": SimpleUploadedFile("p.zip", archive)}, format="multipart"))
    assert _same(_frame(api, produced, 30), _frame(api, copy, 30))


def _counts(image: Image.Image) -> tuple[int, int]:
    """(green pixels, red pixels)."""
    data = image.tobytes()
    greens = sum(1 for i in range(0, len(data), 3) if data[i + 1] > 200 and data[i] < 80)
    reds = sum(1 for i in range(0, len(data), 3) if data[i] > 200 and data[i + 1] < 80)
    return greens, reds


def _title_over_red(api, size: dict) -> dict:
    project = create_project(api, name="Title", **size)
    still = upload_file(api, project, mediagen.make_image(Path(tempfile.mkdtemp()) / "red.png", width=size["width"],
                                                          height=size["height"]))
    create_clip(api, project, still, position=0.0, end=1.0, layer=1)
    title = ok(api.post(f"/projects/{project['id']}/title/",
                        {"text": "MMMM", "font_size": 400, "fill_color": "#00ff00", "stroke_size": 0, "drop_shadow": False},
                        format="json"), 201)
    create_clip(api, project, title, position=0.0, end=1.0, layer=2)
    return project


def test_a_title_renders_its_text_over_the_picture(api, worker):
    project = _title_over_red(api, {"width": 240, "height": 180, "fps_num": 30, "fps_den": 1})  # 4:3: the title is letterboxed

    greens, reds = _counts(_frame(api, project, 10, size=(240, 180)))
    assert greens > 1000 and reds > 10000  # the green letters, and the red still around them

    export = ok(api.post("/exports/", {"project": project["url"], "export_type": "image", "video_format": "png",
                                       "start_frame": 10, "end_frame": 10}, format="json"), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    rendered = Image.open(io.BytesIO(b"".join(api.get(done["output"]).streaming_content))).convert("RGB")
    greens, reds = _counts(rendered)
    assert greens > 1000 and reds > 10000


def test_a_title_that_covers_the_frame_keeps_its_transparency(api, worker):
    project = _title_over_red(api, SMALL)  # 16:9 like the title: it covers the canvas exactly
    greens, reds = _counts(_frame(api, project, 10))
    assert greens > 2000 and reds > 10000


@pytest.mark.parametrize(("image_format", "mime", "pillow_format"), [
    ("JPG", "image/jpeg", "JPEG"), ("PPM", "image/x-portable-pixmap", "PPM"), ("BMP", "image/bmp", "BMP"),
    ("XBM", "image/x-xbitmap", "XBM"), ("XPM", "image/x-xpixmap", "XPM"),
])
def test_a_project_thumbnail_comes_in_every_documented_format(api, worker, video_path, image_format, mime, pillow_format):
    project = create_project(api, name="Formats", **SMALL)
    create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    for _ in range(2):  # rendered, then from the cache
        response = api.get(f"/projects/{project['id']}/thumbnail/",
                           {"frame_number": 1, "width": 160, "height": 90, "image_format": image_format})
        assert response.status_code == 200 and response["Content-Type"] == mime, getattr(response, "data", response)
        data = b"".join(response.streaming_content) if response.streaming else response.content
        image = Image.open(io.BytesIO(data))
        assert image.format == pillow_format and image.size == (160, 90)
