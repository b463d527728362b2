"""Mask effects read only their owner's files, and render with them.

A Mask's `json.reader` names one of the user's Files (as its json, id, URL
or storage name); the render gives ffmpeg that File's local media. A path
to anything else (a server file, another user's media, a URL) fails
validation and the render with the reason, and never reaches ffmpeg.
"""

from __future__ import annotations

import io

import av
import pytest
from PIL import Image

from exports.services import rendering as services
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

SIZE = (160, 90)
REFUSED = "Mask reader of {} must be one of your files."


def png(tmp_path, name: str, left, right=None, mode: str = "RGB"):
    image = Image.new(mode, SIZE, left)
    if right is not None:
        image.paste(right, (80, 0, 160, 90))
    path = tmp_path / name
    image.save(path)
    return path


@pytest.fixture
def layered(api, tmp_path):
    """Blue below, red above (layer 2), and the user's mask: black on the left, white on the right."""
    project = create_project(api, width=160, height=90)
    blue = upload_file(api, project, png(tmp_path, "blue.png", "blue"))
    red = upload_file(api, project, png(tmp_path, "red.png", "red"))
    mask = upload_file(api, project, png(tmp_path, "mask.png", 0, 255, mode="L"))
    create_clip(api, project, blue, end=1.0, layer=1)
    upper = create_clip(api, project, red, end=1.0, layer=2)
    return project, upper, mask


def first_frame(api, done: dict) -> Image.Image:
    response = api.get(done["output"])
    assert response.status_code == 200
    with av.open(io.BytesIO(b"".join(response.streaming_content))) as container:
        return next(container.decode(video=0)).to_image()


def is_red(pixel) -> bool:
    return pixel[0] > 200 and pixel[2] < 60


def is_blue(pixel) -> bool:
    return pixel[2] > 200 and pixel[0] < 60


def render(api, project) -> dict:
    export = ok(api.post("/exports/", {"project": project["url"], "json": {"preset": "ultrafast"}}, format="json"), 201)
    return wait_for_export(api, export)


@pytest.mark.parametrize("where", ["timeline effect", "clip effect"])
def test_mask_from_my_png_shows_the_layer_below_where_it_is_white(api, worker, layered, where):
    project, upper, mask = layered
    reader = mask["json"]  # as a client copies it: the File's json, its path the storage name
    if where == "timeline effect":
        ok(api.post("/effects/", {"project": project["url"], "type": "Mask", "layer": 2, "position": 0.0,
                                  "start": 0.0, "end": 1.0, "json": {"reader": reader}}, format="json"), 201)
    else:
        ok(api.patch(upper["url"], {"json": {"effects": [{"class_name": "Mask", "reader": reader}]}}, format="json"))
    assert ok(api.get(f"/projects/{project['id']}/validate/"))["valid"] is True
    done = render(api, project)
    assert done["status"] == "completed", done["json"]
    frame = first_frame(api, done)
    assert is_red(frame.getpixel((20, 45)))  # black in the mask: the clip stays
    assert is_blue(frame.getpixel((140, 45)))  # white: transparent, the layer below shows


def test_an_svg_mask_is_drawn_before_ffmpeg_reads_it(api, worker, layered, tmp_path):
    project, upper, _mask = layered
    svg = tmp_path / "mask.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90">'
                   '<rect width="80" height="90" fill="black"/><rect x="80" width="80" height="90" fill="white"/></svg>')
    mask = upload_file(api, project, svg)
    ok(api.patch(upper["url"], {"json": {"effects": [{"class_name": "Mask", "reader": mask["json"]}]}}, format="json"))
    done = render(api, project)
    assert done["status"] == "completed", done["json"]
    frame = first_frame(api, done)
    assert is_red(frame.getpixel((20, 45))) and is_blue(frame.getpixel((140, 45)))


@pytest.mark.parametrize("reader", [
    {"path": "/etc/passwd"},
    {"path": "../../../etc/passwd"},
    {"path": "http://169.254.169.254/latest/meta-data"},
    "file:///etc/passwd",
])
def test_mask_reader_outside_my_files_fails_validation_and_the_render(api, worker, layered, reader, monkeypatch):
    project, _upper, _mask = layered
    effect = ok(api.post("/effects/", {"project": project["url"], "type": "Mask", "layer": 2, "end": 1.0,
                                       "json": {"reader": reader}}, format="json"), 201)
    report = ok(api.get(f"/projects/{project['id']}/validate/"))
    assert report["valid"] is False
    assert {"object": f"effect {effect['id']}", "field": "json.reader",
            "detail": REFUSED.format(f"effect {effect['id']}")} in report["errors"]
    plans = []
    monkeypatch.setattr(services, "build_render", lambda *a, **k: plans.append(a) or pytest.fail("rendered"))
    done = render(api, project)
    assert done["status"] == "failed"
    assert done["json"]["error"] == REFUSED.format(f"effect {effect['id']}")
    assert plans == []


def test_mask_reader_naming_another_users_file_is_refused(api, other_api, worker, layered, tmp_path):
    project, upper, _mask = layered
    theirs_project = create_project(other_api, width=160, height=90)
    theirs = upload_file(other_api, theirs_project, png(tmp_path, "theirs.png", 255))
    for reader in ({"id": theirs["id"]}, {"url": theirs["url"]}, theirs["json"], {"path": theirs["media"]}):
        ok(api.patch(upper["url"], {"json": {"effects": [{"class_name": "Mask", "reader": reader}]}}, format="json"))
        report = ok(api.get(f"/projects/{project['id']}/validate/"))
        assert {"object": f"clip {upper['id']}", "field": "json.effects",
                "detail": REFUSED.format(f"clip {upper['id']}")} in report["errors"], reader
    done = render(api, project)
    assert done["status"] == "failed" and done["json"]["error"] == REFUSED.format(f"clip {upper['id']}")


def test_ffmpeg_is_given_my_files_media_never_the_path_in_the_json(api, worker, layered, monkeypatch):
    project, upper, mask = layered
    reader = {"id": mask["id"], "path": "/etc/passwd"}  # the id names my file; its path is ignored
    ok(api.patch(upper["url"], {"json": {"effects": [{"class_name": "Mask", "reader": reader}]}}, format="json"))
    argvs = []
    real = services.build_render

    def recording(*args, **kwargs):
        plan = real(*args, **kwargs)
        argvs.append(plan.args)
        return plan

    monkeypatch.setattr(services, "build_render", recording)
    done = render(api, project)
    assert done["status"] == "completed", done["json"]
    inputs = [argvs[0][i + 1] for i, arg in enumerate(argvs[0]) if arg == "-i"]
    assert len(inputs) == 3 and inputs[-1].endswith(mask["json"]["path"].rsplit("/", 1)[-1])
    assert not any("/etc/passwd" in arg for arg in argvs[0])


def test_info_effects_lists_shift_and_wave_with_their_properties(api):
    catalog = {entry["class_name"]: entry for entry in ok(api.get("/info/effects/"))}
    assert len(catalog) == 13
    assert [p["name"] for p in catalog["Shift"]["properties"]] == ["x", "y"]
    assert [p["name"] for p in catalog["Wave"]["properties"]] == [
        "wavelength", "amplitude", "multiplier", "shift_x", "speed_y"]
