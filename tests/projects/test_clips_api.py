"""/clips/ and /effects/: timeline items with keyframed json, scoped to their owner."""

import json

import pytest

from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db

FADE_IN = {"alpha": {"Points": [
    {"co": {"X": 1, "Y": 0.0}, "interpolation": 1},
    {"co": {"X": 30, "Y": 1.0}, "interpolation": 1},
]}}


@pytest.fixture
def project(api):
    return create_project(api)


@pytest.fixture
def file(api, project, video_path):
    return upload_file(api, project, video_path)


def test_clip_json_comes_back_complete_with_libopenshot_defaults(api, project, file):
    clip = create_clip(api, project, file, json=json.dumps(FADE_IN))
    properties = clip["json"]
    assert properties["alpha"] == FADE_IN["alpha"]
    assert properties["scale_x"]["Points"][0]["co"] == {"X": 1, "Y": 1.0}
    assert properties["location_x"]["Points"][0]["co"]["Y"] == 0.0
    for name in ("rotation", "volume", "time", "scale_y", "location_y", "shear_x", "has_audio", "has_video"):
        assert "Points" in properties[name], name
    assert properties["scale"] == 1 and properties["gravity"] == 4
    assert properties["reader"]["media_type"] == "video"


def test_clip_fields_and_links(api, project, file):
    clip = create_clip(api, project, file, position=1.5, start=0.5, end=1.5, layer=2)
    assert (clip["position"], clip["start"], clip["end"], clip["layer"]) == (1.5, 0.5, 1.5, 2)
    assert clip["file"] == file["url"] and clip["project"] == project["url"]
    for action_url in clip["actions"]:  # only endpoints that exist are listed
        assert action_url.startswith(clip["url"]) and api.options(action_url).status_code != 404
    assert ok(api.get(project["url"]))["clips"] == [clip["url"]]


def test_relations_accept_a_bare_id(api, project, file):
    clip = ok(api.post("/clips/", {"file": file["id"], "project": project["id"]}, format="json"), 201)
    assert clip["file"] == file["url"]


def test_end_defaults_to_the_files_duration(api, project, file):
    clip = ok(api.post("/clips/", {"file": file["url"], "project": project["url"]}, format="json"), 201)
    assert abs(clip["end"] - file["json"]["duration"]) < 1e-6


def test_nested_post_takes_the_project_from_the_url(api, project, file):
    other = create_project(api, name="Other")
    clip = ok(api.post(f"/projects/{project['id']}/clips/", {"file": file["url"], "project": other["url"]}, format="json"), 201)
    assert clip["project"] == project["url"]
    assert ok(api.get(f"/projects/{project['id']}/clips/"))["count"] == 1
    assert ok(api.get(f"/projects/{other['id']}/clips/"))["count"] == 0


def test_another_users_file_is_a_400_field_error_never_a_link(api, other_api, project, video_path):
    their_file = upload_file(other_api, create_project(other_api), video_path)
    response = api.post("/clips/", {"file": their_file["url"], "project": project["url"]}, format="json")
    assert response.status_code == 400 and "file" in response.data
    assert ok(api.get("/clips/"))["count"] == 0


def test_missing_relations_are_400(api, project):
    response = api.post("/clips/", {"file": "http://testserver/files/999/", "project": project["url"]}, format="json")
    assert response.status_code == 400 and "file" in response.data
    response = api.post("/clips/", {"file": "not a url", "project": project["url"]}, format="json")
    assert response.status_code == 400


def test_a_file_of_another_project_is_refused(api, project, video_path):
    other = create_project(api, name="Other")
    other_file = upload_file(api, other, video_path)
    response = api.post("/clips/", {"file": other_file["url"], "project": project["url"]}, format="json")
    assert response.status_code == 400 and "file" in response.data


@pytest.mark.parametrize("bad", [
    {"alpha": "opaque"},
    {"alpha": {"Points": [{"co": {"X": "one", "Y": 1}}]}},
    {"alpha": {"Points": [{"co": {"X": 1, "Y": 1}, "interpolation": 7}]}},
    {"scale": 9},
    {"gravity": "middle"},
])
def test_bad_keyframe_json_is_a_400(api, project, file, bad):
    response = api.post("/clips/", {"file": file["url"], "project": project["url"], "json": bad}, format="json")
    assert response.status_code == 400 and "json" in response.data


def test_end_before_start_is_a_400(api, project, file):
    response = api.post("/clips/", {"file": file["url"], "project": project["url"], "start": 2, "end": 1}, format="json")
    assert response.status_code == 400 and "end" in response.data


def test_negative_position_is_a_400(api, project, file):
    response = api.post("/clips/", {"file": file["url"], "project": project["url"], "position": -1}, format="json")
    assert response.status_code == 400 and "position" in response.data


def test_patch_a_clip_position(api, project, file):
    clip = create_clip(api, project, file)
    assert ok(api.patch(clip["url"], {"position": 4.0}, format="json"))["position"] == 4.0


def test_other_user_never_sees_my_clip(api, other_api, project, file):
    clip = create_clip(api, project, file)
    assert other_api.get(clip["url"]).status_code == 404
    assert ok(other_api.get("/clips/"))["count"] == 0


def test_filter_clips_by_project_url_or_id(api, project, file):
    create_clip(api, project, file)
    assert ok(api.get(f"/clips/?project={project['id']}"))["count"] == 1
    assert ok(api.get(f"/clips/?project={project['url']}"))["count"] == 1
    assert ok(api.get("/clips/?project=12345"))["count"] == 0


def test_effect_like_the_openshot_example(api, project):
    data = {"title": "Negative Effect", "type": "Negate", "position": 0.0, "start": 0.0, "end": 10.0,
            "layer": 1, "project": project["url"], "json": "{}"}
    effect = ok(api.post("/effects/", data), 201)
    assert (effect["type"], effect["title"], effect["end"]) == ("Negate", "Negative Effect", 10.0)
    assert ok(api.get(project["url"]))["effects"] == [effect["url"]]
    nested = ok(api.post(f"/projects/{project['id']}/effects/", {"type": "Blur"}, format="json"), 201)
    assert nested["project"] == project["url"]


def test_effect_json_comes_back_complete_like_the_openshot_example(api, project):
    effect = ok(api.post("/effects/", {"type": "Mask", "project": project["url"], "json": {"contrast": 2.0}},
                         format="json"), 201)
    data = effect["json"]
    assert (data["class_name"], data["short_name"], data["has_video"], data["has_audio"]) == ("Mask", "Mask", True, False)
    assert data["name"] and data["description"] and data["order"] == 0
    assert data["brightness"]["Points"][0]["co"]["Y"] == 0.0 and data["contrast"] == 2.0  # the client's value wins
    assert data["reader"] == {} and data["replace_image"] is False
    chroma = ok(api.post("/effects/", {"type": "ChromaKey", "project": project["url"]}, format="json"), 201)["json"]
    assert [chroma["color"][c]["Points"][0]["co"]["Y"] for c in ("red", "green", "blue", "alpha")] == [0, 255, 0, 255]
    unknown = ok(api.post("/effects/", {"type": "Sparkle", "project": project["url"], "json": {"a": 1}},
                          format="json"), 201)
    assert unknown["json"] == {"a": 1}


def test_effect_type_must_be_a_class_name(api, project):
    response = api.post("/effects/", {"type": "../../etc", "project": project["url"]}, format="json")
    assert response.status_code == 400 and "type" in response.data
