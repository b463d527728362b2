"""/projects/<id>/files/find/: the files used in a time range, optionally by name."""

from __future__ import annotations

import pytest

from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(api, video_path, image_path, audio_path):
    project = create_project(api, name="Find")
    video = upload_file(api, project, video_path)  # clip.mp4: 0-2 s
    still = upload_file(api, project, image_path)  # still.png: 5-8 s
    sound = upload_file(api, project, audio_path)  # tone.mp3: unused
    create_clip(api, project, video, position=0.0, start=0.5, end=2.5, layer=1)
    create_clip(api, project, still, position=5.0, start=0.0, end=3.0, layer=2)
    return project, {"video": video, "still": still, "sound": sound}


def _found(api, project, **params) -> list[str]:
    response = ok(api.post(f"/projects/{project['id']}/files/find/", params, format="json"))
    return [item["url"] for item in response]


@pytest.mark.parametrize("position, length, expected", [
    (0.0, 10.0, ["video", "still"]),
    (1.0, 1.0, ["video"]),
    (2.0, 3.0, []),  # the video ends at 2 s, the still starts at 5 s
    (4.5, 1.0, ["still"]),
    (7.9, None, ["still"]),
    (6.0, 0.0, ["still"]),
])
def test_files_overlapping_the_range(api, timeline, position, length, expected):
    project, files = timeline
    params = {"position_in_seconds": position, "filename_contains": ""}
    if length is not None:
        params["length_in_seconds"] = length
    assert _found(api, project, **params) == [files[name]["url"] for name in expected]


def test_the_answer_has_media_download_and_url(api, timeline):
    project, files = timeline
    (item,) = ok(api.post(f"/projects/{project['id']}/files/find/",
                          {"position_in_seconds": 0.0, "length_in_seconds": 10.0, "filename_contains": "CLIP"}, format="json"))
    assert item["url"] == files["video"]["url"]
    assert item["download"] == f"http://testserver/files/{files['video']['id']}/download/"
    assert item["media"] == files["video"]["media"]


def test_find_works_with_query_parameters_too(api, timeline):
    project, files = timeline
    found = ok(api.get(f"/projects/{project['id']}/files/find/?position_in_seconds=5&length_in_seconds=1"))
    assert [item["id"] for item in found] == [files["still"]["id"]]


def test_bad_ranges_are_400s(api, timeline):
    project, _ = timeline
    response = api.post(f"/projects/{project['id']}/files/find/", {"position_in_seconds": -1}, format="json")
    assert response.status_code == 400 and "position_in_seconds" in response.data
    response = api.post(f"/projects/{project['id']}/files/find/", {"length_in_seconds": "long"}, format="json")
    assert response.status_code == 400 and "length_in_seconds" in response.data


def test_another_users_project_is_a_404(other_api, timeline):
    project, _ = timeline
    assert other_api.post(f"/projects/{project['id']}/files/find/", {}, format="json").status_code == 404
