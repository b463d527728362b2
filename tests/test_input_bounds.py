"""Bad input of any kind is a 4xx naming the field and changes nothing; a client can never cause a 500.

Times, ids, frame numbers and the numbers inside `json` documents are
bounded where they enter, so nothing downstream (the database, the
renderer's frame arithmetic) can overflow.
"""

from __future__ import annotations

import json

import pytest

from media_assets.models import File
from projects.models import Clip, Effect, Project
from projects.properties import MAX_TIMELINE_SECONDS
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999999


@pytest.fixture
def project(api):
    return create_project(api, name="Bounds", width=160, height=90)


@pytest.fixture
def file(api, project, video_path):
    return upload_file(api, project, video_path)


@pytest.fixture
def clip(api, project, file):
    return create_clip(api, project, file)


def refused(response, field: str, status: int = 400) -> str:
    """The response is `status` with an error under `field`; its message as text."""
    body = getattr(response, "data", None) or response.content[:2000]
    assert response.status_code == status, f"{response.status_code}: {body}"
    assert field in response.data, f"no {field!r} error in {response.data}"
    return str(response.data[field])


# 1. Times on the timeline are bounded


@pytest.mark.parametrize("name", ["position", "start", "end"])
@pytest.mark.parametrize("value", [1e308, MAX_TIMELINE_SECONDS + 1])
def test_clip_times_beyond_a_week_are_refused(api, project, file, name, value):
    data = {"file": file["url"], "project": project["url"], "position": 0, "start": 0, "end": 2, name: value}
    message = refused(api.post("/clips/", data, format="json"), name)
    assert str(MAX_TIMELINE_SECONDS) in message
    assert not Clip.objects.exists()


@pytest.mark.parametrize("name", ["position", "start", "end"])
def test_effect_times_beyond_a_week_are_refused(api, project, name):
    data = {"type": "Blur", "project": project["url"], "position": 0, "start": 0, "end": 2, name: 1e308}
    refused(api.post("/effects/", data, format="json"), name)
    assert not Effect.objects.exists()


def test_a_clip_may_end_at_the_longest_timeline(api, project, file):
    create_clip(api, project, file, position=MAX_TIMELINE_SECONDS, start=0, end=MAX_TIMELINE_SECONDS)


def test_patching_a_clip_beyond_the_bounds_changes_nothing(api, clip):
    refused(api.patch(clip["url"], {"position": 1e308}, format="json"), "position")
    assert ok(api.get(clip["url"]))["position"] == clip["position"]


@pytest.fixture
def template(api, video_path):
    source = create_project(api, name="Template", width=160, height=90)
    create_clip(api, source, upload_file(api, source, video_path), layer=2)
    return source


@pytest.mark.parametrize("offset", [1e308, 10**20, "1e400", MAX_TIMELINE_SECONDS + 1])
def test_a_merge_offset_beyond_a_week_is_refused(api, project, clip, template, offset):
    instruction = {"source": "all", "source_type": "all", "source_attribute": "position",
                   "target": "1", "target_type": "layer", "target_attribute": "position", "offset": offset}
    response = api.post(f"{project['url']}merge/", {"project": template["url"], "json": [instruction]}, format="json")
    assert "offset" in refused(response, "json")
    assert Clip.objects.filter(project_id=project["id"]).count() == 1


def test_a_merge_offset_of_10_to_the_20_on_a_layer_is_refused(api, project, clip, template):
    instruction = {"source": "2", "source_type": "layer", "source_attribute": "layer",
                   "target": "1", "target_type": "layer", "target_attribute": "layer", "offset": 10**20}
    response = api.post(f"{project['url']}merge/", {"project": template["url"], "json": [instruction]}, format="json")
    refused(response, "json")
    assert Clip.objects.filter(project_id=project["id"]).count() == 1


def test_a_merge_whose_results_leave_the_timeline_merges_nothing(api, project, template):
    # position offset + an instruction offset, each within bounds, add up beyond them
    instruction = {"source": "all", "source_type": "all", "source_attribute": "position",
                   "target": "all", "target_type": "clip", "target_attribute": "end-position", "offset": 0}
    instruction["target"] = str(Clip.objects.get(project_id=template["id"]).pk)
    data = {"project": template["url"], "position": MAX_TIMELINE_SECONDS,
            "json": [{**instruction, "offset": MAX_TIMELINE_SECONDS}]}
    message = refused(api.post(f"{project['url']}merge/", data, format="json"), "json")
    assert "longest timeline" in message
    assert Clip.objects.filter(project_id=project["id"]).count() == 0
    assert File.objects.filter(project_id=project["id"]).count() == 0


def test_a_merge_within_the_bounds_still_works(api, project, template):
    ok(api.post(f"{project['url']}merge/", {"project": template["url"], "position": 10}, format="json"))
    assert Clip.objects.get(project_id=project["id"]).position == 10


# 2. Numbers in json documents are finite and bounded


JSON_BODIES = [
    '{"name": "x", "json": {"a": 1e400}}',
    '{"name": "x", "json": {"a": [1, {"b": -1e400}]}}',
    '{"name": "x", "json": "{\\"a\\": NaN}"}',
    '{"name": "x", "json": "{\\"a\\": Infinity}"}',
    '{"name": "x", "json": "{\\"a\\": -Infinity}"}',
    '{"name": "x", "json": "{\\"a\\": 1e999}"}',
    '{"name": "x", "json": {"a": 99999999999999999999999}}',
    '{"name": "x", "json": "{\\"a\\": {\\"b\\": 99999999999999999999999}}"}',
    '{"name": "x", "json": {"a": "nul \\u0000 here"}}',
    '{"name": "x", "json": {"a": "\\ud800"}}',
    '{"name": "x", "json": "' + '[' * 200 + ']' * 200 + '"}',
]


@pytest.mark.parametrize("body", JSON_BODIES)
def test_a_project_json_with_values_no_json_column_holds_is_a_400(api, body):
    response = api.generic("POST", "/projects/", body, content_type="application/json")
    refused(response, "json")
    assert not Project.objects.exists()


def test_a_body_nested_thousands_deep_is_a_400(api):
    response = api.generic("POST", "/projects/", "[" * 100_000, content_type="application/json")
    assert response.status_code == 400 and isinstance(response.data["detail"], str), response.data


def test_the_error_names_the_path_inside_the_json(api):
    response = api.generic("POST", "/projects/", '{"name": "x", "json": {"a": [1, {"b": 1e400}]}}',
                           content_type="application/json")
    assert "a[1].b" in refused(response, "json")


def test_big_but_exact_numbers_are_kept(api):
    project = create_project(api, json={"a": 2**53, "b": -(2**53), "c": 1e300})
    assert project["json"] == {"a": 2**53, "b": -(2**53), "c": 1e300}


@pytest.mark.parametrize("body", ['{"a": NaN}', '{"a": 1e400}', '{"a": 99999999999999999999999}'])
def test_non_finite_json_is_refused_on_every_resource(api, project, file, clip, body):
    refused(api.patch(project["url"], {"json": body}, format="json"), "json")
    refused(api.patch(clip["url"], {"json": body}, format="json"), "json")
    effect = {"type": "Blur", "project": project["url"], "json": body}
    refused(api.post("/effects/", effect, format="json"), "json")
    refused(api.post("/exports/", {"project": project["url"], "json": body}, format="json"), "json")
    refused(api.patch(file["url"], {"json": body}, format="multipart"), "json")
    refused(api.post(f"{project['url']}load/", {"json": body}, format="json"), "json")
    assert ok(api.get(project["url"]))["json"] == {}


def test_a_file_upload_with_nan_json_is_refused(api, project, video_path):
    with open(video_path, "rb") as handle:
        data = {"media": handle, "project": project["url"], "json": '{"a": NaN}'}
        refused(api.post("/files/", data, format="multipart"), "json")
    assert not File.objects.exists()


@pytest.mark.parametrize("value", [10**400, 1e300, 10**20])
def test_a_curve_value_too_large_is_a_400(api, clip, value):
    curve = {"Points": [{"co": {"X": 1, "Y": value}, "interpolation": 1}]}
    body = '{"json": {"alpha": ' + json.dumps(curve) + "}}"
    response = api.generic("PATCH", clip["url"], body, content_type="application/json")
    refused(response, "json")
    assert ok(api.get(clip["url"]))["json"]["alpha"]["Points"][0]["co"]["Y"] == 1.0


def test_an_effect_curve_too_large_is_a_400(api, project):
    curve = {"Points": [{"co": {"X": 1, "Y": 1e300}}]}
    data = {"type": "Blur", "project": project["url"], "json": {"sigma": curve}}
    assert "sigma" in refused(api.post("/effects/", data, format="json"), "json")


# 3. Only ASCII digits are ids; 4. ids and integers are bounded


@pytest.mark.parametrize("value", ["²", "٣", "1²", str(HUGE), HUGE, -1, f"http://testserver/projects/{HUGE}/"])
def test_odd_project_references_are_field_errors(api, project, file, value):
    refused(api.post("/exports/", {"project": value}, format="json"), "project")
    refused(api.post(f"{file['url']}copy/", {"project": value}, format="json"), "project")
    refused(api.post(f"{project['url']}merge/", {"project": value}, format="json"), "project")
    refused(api.post("/clips/", {"project": value, "file": file["url"]}, format="json"), "project")


def test_a_superscript_project_on_upload_is_a_field_error(api, video_path):
    with open(video_path, "rb") as handle:
        refused(api.post("/files/", {"media": handle, "project": "²"}, format="multipart"), "project")
    assert not File.objects.exists()


def test_a_superscript_project_on_an_export_patch_is_a_field_error(api, project, clip):
    export = ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    refused(api.patch(export["url"], {"project": "²"}, format="json"), "project")


@pytest.mark.parametrize("path", ["/files/", "/clips/", "/effects/", "/exports/"])
def test_a_unicode_digit_filter_is_a_400(api, path):
    refused(api.get(path, {"project": "²"}), "project")


@pytest.mark.parametrize("query", [
    "/clips/?project=99999999999999999999999", "/clips/?file=99999999999999999999999",
    "/effects/?project=99999999999999999999999", "/exports/?project=99999999999999999999999",
    "/files/?project=99999999999999999999999", "/clips/?project=http://x/projects/99999999999999999999999/",
    "/files/?project=9223372036854775808", f"/clips/?project={'9' * 5000}",
])
def test_a_huge_id_filter_matches_nothing(api, clip, query):
    assert ok(api.get(query))["count"] == 0


def test_a_filter_by_id_still_works(api, project, clip):
    assert ok(api.get("/clips/", {"project": project["id"]}))["count"] == 1
    assert ok(api.get("/clips/", {"project": project["url"]}))["count"] == 1


@pytest.mark.parametrize("fields, field", [
    ({"start_frame": 10**20}, "start_frame"),
    ({"end_frame": 10**20}, "end_frame"),
    ({"start_frame": "99999999999999999999999"}, "start_frame"),
])
def test_export_frame_numbers_beyond_the_column_are_400s(api, project, clip, fields, field):
    refused(api.post("/exports/", {"project": project["url"], **fields}, format="json"), field)


def test_patching_an_export_end_frame_to_10_to_the_20_is_a_400(api, project, clip):
    export = ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    refused(api.patch(export["url"], {"end_frame": 10**20}, format="json"), "end_frame")
    assert ok(api.get(export["url"]))["end_frame"] is None


def test_an_edl_layer_beyond_the_bounds_is_a_400(api, project, clip):
    response = api.post(f"{project['url']}download/format/", {"format": "edl", "json": {"layer": 2**53}}, format="json")
    refused(response, "json")


# 5. A render is at most 24 hours of output


def test_an_export_of_two_to_the_31_frames_is_refused(api, project, clip):
    message = refused(api.post("/exports/", {"project": project["url"], "end_frame": 2147483647}, format="json"),
                      "end_frame")
    assert "24 hours" in message


def test_an_export_may_be_24_hours_at_its_own_fps(api, project, clip):
    at_30 = 24 * 3600 * 30
    ok(api.post("/exports/", {"project": project["url"], "end_frame": at_30}, format="json"), 201)
    later = {"project": project["url"], "start_frame": 11, "end_frame": at_30 + 10}
    ok(api.post("/exports/", later, format="json"), 201)
    refused(api.post("/exports/", {"project": project["url"], "end_frame": at_30 + 1}, format="json"), "end_frame")
    # an fps override in json counts: at 10 fps the same range is 72 hours
    data = {"project": project["url"], "end_frame": at_30, "json": {"fps": {"num": 10, "den": 1}}}
    refused(api.post("/exports/", data, format="json"), "end_frame")


def test_rendering_to_the_end_of_a_timeline_longer_than_a_day_is_refused(api, project, file):
    create_clip(api, project, file, position=25 * 3600, start=0, end=2)
    message = refused(api.post("/exports/", {"project": project["url"]}, format="json"), "end_frame")
    assert "give an end_frame" in message
    ok(api.post("/exports/", {"project": project["url"], "end_frame": 300}, format="json"), 201)


# 6. null is "not given", as the OpenShot documentation's examples send it


def test_loading_with_a_null_archive_is_loading_json_only(api, project):
    osp = {"clips": [], "effects": [], "files": [], "width": 160, "height": 90}
    response = api.post(f"{project['url']}load/", {"json": json.dumps(osp), "archive": None}, format="json")
    ok(response)


def test_posting_a_null_font_file_refreshes_the_fonts(api):
    assert "fonts" in ok(api.post("/info/fonts/", {"font_file": None}, format="json"))


# 11. Errors have a string detail; unknown URLs are JSON 404s


def test_a_non_field_error_detail_is_a_string(api, file):
    response = api.post(f"{file['url']}text-replace/", {"search": "a", "replace": "b"}, format="json")
    assert response.status_code == 400, response.data
    assert isinstance(response.data["detail"], str) and "video media" in response.data["detail"]


@pytest.mark.parametrize("accept", ["application/json", "*/*", None])
def test_an_unknown_url_is_a_json_404_for_api_clients(api, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = api.get("/no-such-thing/", **headers)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_url_is_still_a_page_for_a_browser(api):
    response = api.get("/no-such-thing/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_the_browsable_api_still_answers_browsers(api):
    response = api.get("/projects/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(("path", "body"), [
    ("/exports/", '{"project": 1, "export_type": "\\ud800"}'),
    ("/projects/", '{"name": "x", "channel_layout": "\\udfff"}'),
    ("/files/{file}/storage/", '{"backend": "a\\ud800"}'),
    ("/projects/", '{"name": "x", "\\ud800": 1, "video_codec": ["\\ud800"]}'),
])
def test_an_error_that_echoes_text_with_a_lone_surrogate_is_still_a_400(api, project, file, path, body):
    """A \\ud800 escape is valid JSON; DRF's "not a valid choice" repeats it, and that answer must still be written."""
    response = api.generic("POST", path.format(file=file["id"]), body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert json.loads(response.content)
