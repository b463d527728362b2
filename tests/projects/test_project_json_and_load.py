"""/projects/<id>/json/ (an OpenShot project file) and /projects/<id>/load/ from project data."""

from __future__ import annotations

import copy
import json

import pytest

from media_assets.models import File
from projects.models import Clip, Effect, Project
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db

VOLATILE = {"url", "id", "file", "project", "actions", "date_created", "date_updated"}


@pytest.fixture
def edited(api, video_path, image_path):
    project = create_project(api, name="Edited", width=640, height=360, fps_num=30000, fps_den=1001,
                             sample_rate=48000, channels=2, channel_layout=3,
                             json={"markers": [{"id": "M1", "position": 1.5, "icon": "blue.png"}]})
    video = upload_file(api, project, video_path, client_json={"note": "keep me"})
    still = upload_file(api, project, image_path)
    create_clip(api, project, video, position=0.0, start=0.25, end=2.0, layer=1,
                json={"alpha": {"Points": [{"co": {"X": 8, "Y": 0}, "interpolation": 1},
                                           {"co": {"X": 38, "Y": 1}, "interpolation": 1}]}, "gravity": 1})
    create_clip(api, project, still, position=1.0, start=0.0, end=2.5, layer=2,
                json={"scale_x": 0.5, "scale_y": 0.5, "effects": [{"class_name": "Negate", "id": "N1"}]})
    ok(api.post("/effects/", {"project": project["url"], "type": "Blur", "title": "Soft", "position": 0.5, "end": 1.0,
                              "layer": 1, "json": {"horizontal_radius": 3}}, format="json"), 201)
    return project


def _clips(api, project) -> list[dict]:
    clips = ok(api.get(f"/clips/?project={project['id']}&page_size=100"))["results"]
    result = []
    for clip in clips:
        data = {k: v for k, v in clip.items() if k not in VOLATILE}
        data["json"] = {k: v for k, v in data["json"].items() if k not in ("reader", "title")}
        data["file_name"] = ok(api.get(clip["file"]))["json"].get("name") or clip["json"]["title"]
        result.append(data)
    return sorted(result, key=lambda c: (c["layer"], c["position"]))


def _effects(project_id: int) -> list[tuple]:
    return sorted((e.type, e.title, e.position, e.start, e.end, e.layer, json.dumps(e.json, sort_keys=True))
                  for e in Effect.objects.filter(project_id=project_id))


def test_json_is_an_openshot_project_file(api, edited):
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))

    assert osp["fps"] == {"num": 30000, "den": 1001}
    assert (osp["width"], osp["height"], osp["sample_rate"], osp["channels"], osp["channel_layout"]) == (640, 360, 48000, 2, 3)
    assert osp["display_ratio"] == {"num": 16, "den": 9} and osp["pixel_ratio"] == {"num": 1, "den": 1}
    assert osp["markers"] == [{"id": "M1", "position": 1.5, "icon": "blue.png"}]
    assert [layer["number"] for layer in osp["layers"]] == [1, 2]
    assert {"profile", "version", "history", "scale", "tick_pixels", "playhead_position"} <= set(osp)
    files = {f["id"]: f for f in osp["files"]}
    assert all(f["path"] == File.objects.get(pk=int(f["id"])).media.name for f in files.values())
    first = next(c for c in osp["clips"] if c["layer"] == 1)
    assert first["file_id"] in files and first["reader"]["path"] == files[first["file_id"]]["path"]
    assert (first["position"], first["start"], first["end"], first["duration"]) == (0.0, 0.25, 2.0, 1.75)
    for prop in ("alpha", "scale_x", "location_y", "rotation", "volume", "time", "wave_color"):
        assert prop in first  # every property, as OpenShot writes clips
    assert first["alpha"]["Points"][1]["co"] == {"X": 38, "Y": 1}
    (effect,) = osp["effects"]
    assert (effect["class_name"], effect["title"], effect["horizontal_radius"]) == ("Blur", "Soft", 3)


def test_json_then_load_into_a_new_project_gives_the_same_project(api, edited):
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))
    fresh = create_project(api, name="Fresh")

    loaded = ok(api.post(f"/projects/{fresh['id']}/load/", {"json": osp}, format="json"))

    assert loaded["name"] == "Fresh"
    for key in ("width", "height", "fps_num", "fps_den", "sample_rate", "channels", "channel_layout"):
        assert loaded[key] == edited[key], key
    assert loaded["json"]["markers"] == edited["json"]["markers"]
    assert _clips(api, loaded) == _clips(api, edited)
    assert _effects(loaded["id"]) == _effects(edited["id"])
    copies = File.objects.filter(project_id=fresh["id"])
    assert copies.count() == 2
    assert {f.json.get("note") for f in copies} == {"keep me", None}
    assert not set(copies.values_list("media", flat=True)) & set(File.objects.filter(project_id=edited["id"]).values_list("media", flat=True))


def test_json_can_be_sent_as_an_escaped_string_in_a_form(api, edited):
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))
    fresh = create_project(api, name="Fresh")
    loaded = ok(api.post(f"/projects/{fresh['id']}/load/", {"json": json.dumps(osp)}))
    assert len(loaded["clips"]) == 2


def test_load_replaces_everything_and_deletes_the_old_media_after_commit(api, edited, video_path, isolated_media,
                                                                        django_capture_on_commit_callbacks):
    target = create_project(api, name="Target")
    old_file = upload_file(api, target, video_path)
    create_clip(api, target, old_file, position=3.0, end=1.0)
    old_media = isolated_media / File.objects.get(pk=old_file["id"]).media.name
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))

    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/projects/{target['id']}/load/", {"json": osp}, format="json"))

    assert not File.objects.filter(pk=old_file["id"]).exists()
    assert Clip.objects.filter(project_id=target["id"]).count() == 2
    assert not old_media.exists()


def _snapshot(project_id: int) -> tuple:
    project = Project.objects.get(pk=project_id)
    return (
        (project.width, project.height, project.fps_num, project.fps_den, json.dumps(project.json, sort_keys=True)),
        sorted(Clip.objects.filter(project_id=project_id).values_list("id", "position", "start", "end", "layer")),
        sorted(File.objects.filter(project_id=project_id).values_list("id", "media")),
        sorted(Effect.objects.filter(project_id=project_id).values_list("id", "type")),
    )


def _broken(osp: dict, how: str) -> dict:
    osp = copy.deepcopy(osp)
    if how == "end before start":
        osp["clips"][0]["end"] = osp["clips"][0]["start"]
    elif how == "unknown file":
        osp["clips"][0]["file_id"] = "no-such-file"
    elif how == "negative position":
        osp["clips"][0]["position"] = -1
    elif how == "absurd position":
        osp["clips"][0]["position"] = 1e300
    elif how == "fps zero":
        osp["fps"] = {"num": 0, "den": 1}
    elif how == "clips not a list":
        osp["clips"] = {"a": 1}
    elif how == "bad curve":
        osp["clips"][0]["alpha"] = {"Points": [{"co": {"X": "one"}}]}
    elif how == "unknown layout":
        osp["channel_layout"] = 12345
    elif how == "missing media":
        osp["files"][0]["path"] = "files/999/nowhere.mp4"
    elif how == "no class_name":
        osp["effects"][0].pop("class_name")
        osp["effects"][0].pop("type")
    elif how == "width too big":
        osp["width"] = 100_000
    return osp


@pytest.mark.parametrize("how, message", [
    ("end before start", "must be after start"),
    ("unknown file", "is not in the project's files"),
    ("negative position", "position must be a number of seconds"),
    ("absurd position", "position must be a number of seconds"),
    ("fps zero", "fps.num"),
    ("clips not a list", "clips must be a list"),
    ("bad curve", "alpha"),
    ("unknown layout", "channel_layout"),
    ("missing media", "is not one of your stored files"),
    ("no class_name", "class_name"),
    ("width too big", "width"),
])
def test_bad_project_data_is_a_400_and_changes_nothing(api, edited, how, message):
    target = create_project(api, name="Target")
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))
    ok(api.post(f"/projects/{target['id']}/load/", {"json": osp}, format="json"))
    before = _snapshot(target["id"])

    response = api.post(f"/projects/{target['id']}/load/", {"json": _broken(osp, how)}, format="json")

    assert response.status_code == 400, response.data
    assert message in str(response.data)
    assert _snapshot(target["id"]) == before


def test_load_needs_json_or_an_archive(api, edited):
    response = api.post(f"/projects/{edited['id']}/load/", {}, format="json")
    assert response.status_code == 400 and "json" in response.data


def test_load_cannot_reach_another_users_media(api, other_api, edited):
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))
    theirs = create_project(other_api, name="Theirs")
    response = other_api.post(f"/projects/{theirs['id']}/load/", {"json": osp}, format="json")
    assert response.status_code == 400, response.data
    assert "is not one of your stored files" in str(response.data)
    assert not File.objects.filter(project_id=theirs["id"]).exists()


def test_load_refuses_a_path_outside_the_stored_media(api, edited):
    osp = ok(api.get(f"/projects/{edited['id']}/json/"))
    osp["files"][0]["path"] = "../../../../etc/passwd"
    response = api.post(f"/projects/{edited['id']}/load/", {"json": osp}, format="json")
    assert response.status_code == 400, response.data


def test_another_users_project_json_and_load_are_404s(other_api, edited):
    assert other_api.get(f"/projects/{edited['id']}/json/").status_code == 404
    assert other_api.post(f"/projects/{edited['id']}/load/", {"json": {}}, format="json").status_code == 404
