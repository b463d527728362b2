"""`json.smart` through the API, as a client uses it: validated, decided, recorded, rendered."""

import logging

import av
import pytest

from exports.models import Export
from tests.exports.conftest import wait_for_export
from tests.exports.renderer.framecode import read_code
from tests.exports.renderer.test_smart_render import source
from tests.factories import create_clip, create_project, ok, upload_file


@pytest.fixture
def cut_project(api):
    project = create_project(api, name="Rough cut", width=160, height=96, fps_num=30, fps_den=1)
    media = upload_file(api, project, source("closed").path)
    create_clip(api, project, media, position=0.0, start=1.0, end=2.0)
    create_clip(api, project, media, position=1.0, start=0.3, end=0.8)
    return project, media


def export(api, project, status=201, **fields):
    return ok(api.post("/exports/", {"project": project["url"], **fields}, format="json"), status)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["yes", 1, None, ["auto"]])
def test_a_bad_json_smart_is_a_400_naming_it(api, value):
    project = create_project(api, name="P", width=160, height=96)
    response = api.post("/exports/", {"project": project["url"], "json": {"smart": value}}, format="json")
    assert response.status_code == 400 and "json.smart" in str(response.data["json"])
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_clients_cannot_write_the_render_mode(api):
    project = create_project(api, name="P", width=160, height=96)
    made = export(api, project, json={"smart": "auto", "render_mode": "smart", "smart_reason": "made up"})
    assert "render_mode" not in made["json"] and "smart_reason" not in made["json"]


def test_a_cut_only_timeline_renders_smart_and_says_so(api, worker, cut_project, caplog):
    project, _ = cut_project
    with caplog.at_level(logging.INFO, logger="montage.render"):
        done = wait_for_export(api, export(api, project))
    assert done["status"] == "completed", done["json"].get("error")
    assert done["json"]["render_mode"] == "smart"
    assert done["json"]["smart_reason"] == "cut-only timeline: every frame is a source frame"
    assert done["json"]["render_speed"] > 0
    assert done["json"]["smart_frames"]["copied"] + done["json"]["smart_frames"]["encoded"] == 45
    assert [r.getMessage() for r in caplog.records if "renders smart" in r.getMessage()] == [
        f"export {done['id']} renders smart: cut-only timeline: every frame is a source frame"]
    path = Export.objects.get(pk=done["id"]).output.path
    with av.open(path) as container:
        numbers = [read_code(frame.to_image()).number - 1 for frame in container.decode(video=0)]
    assert numbers == list(range(30, 60)) + list(range(9, 24))


def test_smart_false_renders_full(api, worker, cut_project):
    project, _ = cut_project
    done = wait_for_export(api, export(api, project, json={"smart": False}))
    assert done["status"] == "completed", done["json"].get("error")
    assert (done["json"]["render_mode"], done["json"]["smart_reason"]) == ("full", "json.smart is false")


def test_a_timeline_that_does_not_qualify_renders_full_on_auto_and_fails_on_true(api, worker, cut_project):
    project, media = cut_project
    scaled = create_clip(api, project, media, position=1.5, start=0.0, end=0.5, layer=2,
                json={"scale_x": {"Points": [{"co": {"X": 1, "Y": 0.5}, "interpolation": 1}]}})
    done = wait_for_export(api, export(api, project))
    assert done["status"] == "completed", done["json"].get("error")
    assert done["json"]["render_mode"] == "full"
    assert done["json"]["smart_reason"] == f"clip {scaled['id']} is scaled"
    failed = wait_for_export(api, export(api, project, json={"smart": True}))
    assert failed["status"] == "failed"
    assert failed["json"]["error"] == (f"json.smart is true, but this timeline cannot be rendered smart: clip "
                                       f"{scaled['id']} is scaled. Use \"auto\" to render it in full.")
