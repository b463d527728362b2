"""/projects/: OpenShot's fields and defaults, ownership, bad input."""

import json

import pytest

from tests.factories import create_project, ok

pytestmark = pytest.mark.django_db

OPENSHOT_DEFAULTS = {
    "width": 1920, "height": 1080, "fps_num": 30, "fps_den": 1, "sample_rate": 44100, "channels": 2,
    "channel_layout": 3, "video_format": "mp4", "video_codec": "libx264", "video_bitrate": 8000000,
    "audio_codec": "aac", "audio_bitrate": 192000,
}


def test_a_project_with_only_a_name_gets_openshot_defaults(api):
    project = create_project(api, name="Defaults")
    for field, value in OPENSHOT_DEFAULTS.items():
        assert project[field] == value, field
    assert project["files"] == [] and project["clips"] == [] and project["effects"] == []
    assert project["json"] == {}
    assert project["url"] == f"http://testserver/projects/{project['id']}/"
    assert {"date_created", "date_updated"} <= set(project)


def test_actions_are_absolute_urls_of_the_project_endpoints(api):
    project = create_project(api)
    base = project["url"]
    for name in ("files/", "clips/", "effects/"):
        assert base + name in project["actions"]


def test_project_form_post_with_json_as_a_string(api):
    data = {"name": "Form", "width": "1280", "height": "720", "json": json.dumps({"note": "hi"})}
    project = ok(api.post("/projects/", data), 201)
    assert (project["width"], project["height"]) == (1280, 720)
    assert project["json"] == {"note": "hi"}


def test_json_may_be_an_object(api):
    assert create_project(api, json={"a": [1, 2]})["json"] == {"a": [1, 2]}


def test_invalid_json_string_is_a_400_naming_the_field(api):
    response = api.post("/projects/", {"name": "x", "json": "{not json"})
    assert response.status_code == 400
    assert "json" in response.data


def test_json_that_is_not_an_object_is_a_400(api):
    response = api.post("/projects/", {"name": "x", "json": "[1, 2]"})
    assert response.status_code == 400 and "json" in response.data


@pytest.mark.parametrize(
    "field, value",
    [("width", 0), ("height", -1), ("fps_num", 0), ("fps_den", 0), ("sample_rate", 0), ("channels", 0),
     ("width", "wide"), ("channel_layout", 12345), ("width", 100000)],
)
def test_bad_numbers_are_400_field_errors_and_create_nothing(api, field, value):
    response = api.post("/projects/", {"name": "x", field: value}, format="json")
    assert response.status_code == 400 and field in response.data, response.data
    assert ok(api.get("/projects/"))["count"] == 0


def test_absurd_frame_rate_is_refused(api):
    response = api.post("/projects/", {"name": "x", "fps_num": 1000000, "fps_den": 1}, format="json")
    assert response.status_code == 400


def test_malformed_json_body_is_a_400(api):
    response = api.post("/projects/", data="{oops", content_type="application/json")
    assert response.status_code == 400


def test_missing_name_is_a_400(api):
    assert api.post("/projects/", {}, format="json").status_code == 400


def test_update_and_partial_update(api):
    project = create_project(api)
    updated = ok(api.put(project["url"], {"name": "Renamed", "width": 640, "height": 360}, format="json"))
    assert (updated["name"], updated["width"], updated["fps_num"]) == ("Renamed", 640, 30)
    patched = ok(api.patch(project["url"], {"fps_num": 25}, format="json"))
    assert patched["fps_num"] == 25 and patched["width"] == 640


def test_other_user_gets_404_for_my_project(api, other_api):
    project = create_project(api)
    assert other_api.get(project["url"]).status_code == 404
    assert other_api.patch(project["url"], {"name": "mine"}, format="json").status_code == 404
    assert other_api.delete(project["url"]).status_code == 404
    assert ok(other_api.get("/projects/"))["count"] == 0


def test_unknown_nested_project_is_404(api):
    assert api.get("/projects/999/files/").status_code == 404
    assert api.post("/projects/999/clips/", {}, format="json").status_code == 404


def test_filter_by_name_and_ordering(api):
    create_project(api, name="Bravo")
    create_project(api, name="Alpha")
    assert [p["name"] for p in ok(api.get("/projects/?name=alpha"))["results"]] == ["Alpha"]
    assert [p["name"] for p in ok(api.get("/projects/?ordering=name"))["results"]] == ["Alpha", "Bravo"]


def test_list_is_paginated_like_openshot(api):
    for index in range(3):
        create_project(api, name=f"P{index}")
    page = ok(api.get("/projects/?page_size=2"))
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"] and page["previous"] is None
    second = ok(api.get(page["next"]))
    assert len(second["results"]) == 1


def test_a_page_beyond_the_end_is_404(api):
    create_project(api)
    assert api.get("/projects/?page=5").status_code == 404


def test_huge_page_size_is_capped(api, settings):
    settings.API_MAX_PAGE_SIZE = 3
    for index in range(5):
        create_project(api, name=f"P{index}")
    assert len(ok(api.get("/projects/?page_size=100000"))["results"]) == 3


def test_every_listed_action_exists(api):
    project = create_project(api)
    for action_url in project["actions"]:
        assert api.options(action_url).status_code != 404, action_url
