"""/projects/<id>/copy/ and /projects/<id>/merge/: deep copies and merges, media copied in storage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from media_assets.models import File
from projects.models import Clip, Effect
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _media_path(isolated_media: Path, file_id: int) -> Path:
    return isolated_media / File.objects.get(pk=file_id).media.name


@pytest.fixture
def template(api, video_path, image_path):
    project = create_project(api, name="Template", width=1280, height=720, fps_num=25)
    video = upload_file(api, project, video_path)
    still = upload_file(api, project, image_path)
    first = create_clip(api, project, video, position=0.0, start=0.5, end=2.0, layer=1,
                        json={"alpha": {"Points": [{"co": {"X": 1, "Y": 0.5}, "interpolation": 1}]}})
    second = create_clip(api, project, still, position=1.5, start=0.0, end=3.0, layer=2)
    effect = ok(api.post("/effects/", {"project": project["url"], "type": "Blur", "title": "Soft", "position": 0.5,
                                       "start": 0.0, "end": 1.0, "layer": 2, "json": {"horizontal_radius": 4}},
                         format="json"), 201)
    return {"project": project, "files": [video, still], "clips": [first, second], "effect": effect}


# --- copy --------------------------------------------------------------------------------------


def test_copy_is_a_deep_copy_with_its_own_media(api, template, isolated_media):
    copy = ok(api.post(f"/projects/{template['project']['id']}/copy/", {"name": "New Project Name"}, format="json"), 201)

    assert copy["name"] == "New Project Name"
    assert (copy["width"], copy["height"], copy["fps_num"]) == (1280, 720, 25)
    assert len(copy["files"]) == 2 and len(copy["clips"]) == 2 and len(copy["effects"]) == 1
    originals = {f["id"] for f in template["files"]}
    copies = File.objects.filter(project_id=copy["id"])
    assert not originals & {f.pk for f in copies}
    for original, duplicate in zip(File.objects.filter(project_id=template["project"]["id"]).order_by("id"), copies.order_by("id")):
        assert duplicate.media.name != original.media.name
        assert _digest(isolated_media / duplicate.media.name) == _digest(isolated_media / original.media.name)
        assert duplicate.json["path"] == duplicate.media.name
    clips = {(c.position, c.start, c.end, c.layer): c for c in Clip.objects.filter(project_id=copy["id"])}
    first = clips[(0.0, 0.5, 2.0, 1)]
    assert first.file.project_id == copy["id"]
    assert first.json["alpha"]["Points"][0]["co"]["Y"] == 0.5
    effect = Effect.objects.get(project_id=copy["id"])
    assert (effect.type, effect.title, effect.json) == ("Blur", "Soft", {"horizontal_radius": 4})


def test_deleting_the_copy_leaves_the_original_and_its_media(api, template, isolated_media,
                                                            django_capture_on_commit_callbacks):
    copy = ok(api.post(f"/projects/{template['project']['id']}/copy/", {"name": "Scratch"}, format="json"), 201)
    copied_media = [isolated_media / f.media.name for f in File.objects.filter(project_id=copy["id"])]

    with django_capture_on_commit_callbacks(execute=True):
        ok(api.delete(copy["url"]), 204)

    assert len(ok(api.get(template["project"]["url"]))["clips"]) == 2
    for file in template["files"]:
        assert _media_path(isolated_media, file["id"]).exists()
    assert copied_media and not any(path.exists() for path in copied_media)


def test_copy_without_a_name_is_named_after_the_original(api, template):
    copy = ok(api.post(f"/projects/{template['project']['id']}/copy/", {}, format="json"), 201)
    assert copy["name"] == "Template (copy)"


def test_copying_another_users_project_is_a_404(other_api, template):
    assert other_api.post(f"/projects/{template['project']['id']}/copy/", {"name": "x"}, format="json").status_code == 404


# --- files copy ------------------------------------------------------------------------------


def test_file_copy_into_another_project_copies_the_media(api, template, isolated_media):
    other = create_project(api, name="Other")
    source = template["files"][0]
    copy = ok(api.post(f"/files/{source['id']}/copy/", {"name": "NewFileName.mp4", "project": str(other["id"])},
                       format="json"), 201)

    assert copy["project"].endswith(f"/projects/{other['id']}/")
    assert copy["json"]["name"] == "NewFileName.mp4" and copy["media"].endswith("/NewFileName.mp4")
    assert copy["json"]["duration"] == source["json"]["duration"]
    assert _digest(_media_path(isolated_media, copy["id"])) == _digest(_media_path(isolated_media, source["id"]))
    assert _media_path(isolated_media, copy["id"]) != _media_path(isolated_media, source["id"])


def test_file_copy_stays_in_its_project_by_default(api, template):
    copy = ok(api.post(f"/files/{template['files'][1]['id']}/copy/", {}, format="json"), 201)
    assert copy["project"] == template["files"][1]["project"]


@pytest.mark.parametrize(("name", "stored"), [("Take two", "Take_two"), ("../../etc/x.mp4", "x"), ("..", "clip")])
def test_a_copys_stored_name_follows_the_name_it_is_given(api, template, name, stored):
    source = template["files"][0]  # clip.mp4; a copy in the same project gets a free name near the one asked for
    copy = ok(api.post(f"/files/{source['id']}/copy/", {"name": name}, format="json"), 201)
    stored_name = copy["media"].rsplit("/", 1)[1]
    assert stored_name.startswith(stored) and stored_name.endswith(".mp4") and "/etc/" not in copy["media"]


def test_file_copy_into_someone_elses_project_is_refused(api, other_api, template):
    theirs = create_project(other_api, name="Theirs")
    response = api.post(f"/files/{template['files'][0]['id']}/copy/", {"project": theirs["url"]}, format="json")
    assert response.status_code == 400, response.data
    assert "project" in response.data


# --- merge -----------------------------------------------------------------------------------


def test_merge_brings_files_clips_and_effects_in_with_offsets(api, template):
    target = create_project(api, name="Main")
    merged = ok(api.post(f"/projects/{target['id']}/merge/",
                         {"project": template["project"]["url"], "position": 10.0, "layer": 3}, format="json"))

    assert len(merged["files"]) == 2 and len(merged["clips"]) == 2 and len(merged["effects"]) == 1
    clips = sorted(Clip.objects.filter(project_id=target["id"]), key=lambda c: c.position)
    assert [(c.position, c.layer) for c in clips] == [(10.0, 4), (11.5, 5)]
    assert [c.json["original_merge_id"] for c in clips] == [c["id"] for c in template["clips"]]
    assert all(c.file.project_id == target["id"] for c in clips)
    effect = Effect.objects.get(project_id=target["id"])
    assert (effect.position, effect.layer, effect.json["original_merge_id"]) == (10.5, 5, template["effect"]["id"])
    # the template is untouched
    assert Clip.objects.filter(project_id=template["project"]["id"]).count() == 2


def test_merging_a_project_into_itself_is_refused(api, template):
    response = api.post(f"/projects/{template['project']['id']}/merge/", {"project": template["project"]["id"]}, format="json")
    assert response.status_code == 400, response.data


def test_merging_another_users_project_is_refused(api, other_api, video_path):
    theirs = create_project(other_api, name="Theirs")
    mine = create_project(api, name="Mine")
    response = api.post(f"/projects/{mine['id']}/merge/", {"project": theirs["id"]}, format="json")
    assert response.status_code == 400 and "project" in response.data
