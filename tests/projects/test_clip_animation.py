"""/clips/<id>/keyframes/, /presets/, /reset/ and /captions/."""

from __future__ import annotations

import pytest

from exports.renderer import curve_from_json, keyframe_value_at
from projects.animation import BEZIER_PRESETS, PRESETS
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(api, video_path):
    project = create_project(api, name="Animated", fps_num=30, fps_den=1)
    file = upload_file(api, project, video_path)
    return create_clip(api, project, file, position=5.0, start=0.5, end=2.0, layer=1)


def _points(clip: dict, prop: str) -> list[tuple[float, float, int]]:
    return [(p["co"]["X"], p["co"]["Y"], p["interpolation"]) for p in clip["json"][prop]["Points"]]


# --- keyframes ---------------------------------------------------------------------------------


def test_a_keyframe_lands_on_the_source_frame_of_its_time(api, clip):
    updated = ok(api.post(f"/clips/{clip['id']}/keyframes/",
                          {"property": "alpha", "position_in_seconds": 1.0, "curve": "Linear", "value": "0.25"}, format="json"))
    # 1.0 s into a clip trimmed to start at 0.5 s, at 30 fps: source frame round(1.5 * 30) + 1
    assert _points(updated, "alpha") == [(1, 1.0, 2), (46, 0.25, 1)]


def test_a_keyframe_at_the_same_time_replaces_the_point(api, clip):
    url = f"/clips/{clip['id']}/keyframes/"
    ok(api.post(url, {"property": "rotation", "position_in_seconds": 0.5, "curve": "Constant", "value": 90}, format="json"))
    updated = ok(api.post(url, {"property": "rotation", "position_in_seconds": 0.5, "curve": "Bezier", "value": 45}, format="json"))
    assert _points(updated, "rotation") == [(1, 0.0, 2), (31, 45.0, 0)]


def test_an_easing_curve_sets_the_segment_handles(api, clip):
    updated = ok(api.post(f"/clips/{clip['id']}/keyframes/",
                          {"property": "scale_x", "position_in_seconds": 1.0, "curve": "ease in/out", "value": 2}, format="json"))
    before, point = updated["json"]["scale_x"]["Points"]
    x1, y1, x2, y2 = BEZIER_PRESETS["Ease In/Out"]
    assert point["interpolation"] == 0
    assert point["handle_left"] == {"X": x2, "Y": y2}
    assert before["handle_right"] == {"X": x1, "Y": y1}


@pytest.mark.parametrize("body, field, listed", [
    ({"property": "sparkle", "position_in_seconds": 0, "value": 1}, "property", "alpha"),
    ({"property": "alpha", "position_in_seconds": 0, "value": 1, "curve": "Wobbly"}, "curve", "Ease Out (Back)"),
    ({"property": "alpha", "position_in_seconds": 9, "value": 1}, "position_in_seconds", "1.5 s"),
    ({"property": "alpha", "position_in_seconds": -1, "value": 1}, "position_in_seconds", "greater than or equal"),
    ({"property": "alpha", "position_in_seconds": 0, "value": "lots"}, "value", "number"),
])
def test_bad_keyframes_are_400s_naming_the_valid_choices(api, clip, body, field, listed):
    response = api.post(f"/clips/{clip['id']}/keyframes/", body, format="json")
    assert response.status_code == 400, response.data
    assert field in response.data and listed in str(response.data[field])


# --- presets -----------------------------------------------------------------------------------


def test_fade_in_is_alpha_0_to_1_over_the_length_from_the_clips_first_frame(api, clip):
    updated = ok(api.post(f"/clips/{clip['id']}/presets/",
                          {"preset": "Fade In", "length_in_seconds": 1.0, "curve": "Linear"}, format="json"))
    # the clip starts at source second 0.5: frames 16 (round(0.5*30)+1) to 46
    assert _points(updated, "alpha") == [(16, 0.0, 1), (46, 1.0, 1)]
    curve = curve_from_json(updated["json"]["alpha"], 1.0)
    assert keyframe_value_at(curve, 31) == pytest.approx(0.5)


def test_fade_out_is_alpha_1_to_0_over_the_last_length(api, clip):
    updated = ok(api.post(f"/clips/{clip['id']}/presets/",
                          {"preset": "Fade Out", "length_in_seconds": 0.5, "curve": "Linear"}, format="json"))
    # the clip ends at source second 2.0: 1.5 s -> frame 46, 2.0 s -> frame 61
    assert _points(updated, "alpha") == [(1, 1.0, 2), (46, 1.0, 1), (61, 0.0, 1)]


def test_fade_in_then_fade_out_keeps_both(api, clip):
    url = f"/clips/{clip['id']}/presets/"
    ok(api.post(url, {"preset": "Fade In", "length_in_seconds": 0.5, "curve": "Linear"}, format="json"))
    updated = ok(api.post(url, {"preset": "fade out", "length_in_seconds": 0.5, "curve": "Linear"}, format="json"))
    assert _points(updated, "alpha") == [(16, 0.0, 1), (31, 1.0, 1), (46, 1.0, 1), (61, 0.0, 1)]


def test_the_default_preset_curve_is_openshots_ease(api, clip):
    updated = ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": "Zoom In", "length_in_seconds": 1.0}, format="json"))
    x1, y1, x2, y2 = BEZIER_PRESETS["Ease (Default)"]
    for prop in ("scale_x", "scale_y"):
        first, last = updated["json"][prop]["Points"]
        assert (first["co"], last["co"]) == ({"X": 16, "Y": 1.0}, {"X": 46, "Y": 1.5})
        assert last["interpolation"] == 0 and last["handle_left"] == {"X": x2, "Y": y2}
        assert first["handle_right"] == {"X": x1, "Y": y1}


@pytest.mark.parametrize("preset, prop, start, end", [
    ("Slide In From Left", "location_x", -1.0, 0.0),
    ("Slide In From Bottom", "location_y", 1.0, 0.0),
    ("Slide Out To Top", "location_y", 0.0, -1.0),
    ("Rotate", "rotation", 0.0, 360.0),
    ("Zoom Out", "scale_y", 1.5, 1.0),
])
def test_animated_presets_move_their_property_as_documented(api, clip, preset, prop, start, end):
    updated = ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": preset, "length_in_seconds": 0.5, "curve": "Linear"},
                          format="json"))
    values = [y for _x, y, _i in _points(updated, prop)]
    assert values[-2:] == [start, end]


def test_layout_presets_place_the_clip(api, clip):
    updated = ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": "Bottom Right"}, format="json"))
    assert updated["json"]["gravity"] == 8
    assert _points(updated, "scale_x") == [(1, 0.5, 2)]


def test_every_preset_applies(api, clip):
    for name in PRESETS:
        ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": name, "length_in_seconds": 0.5}, format="json"))


@pytest.mark.parametrize("body, field, listed", [
    ({"preset": "Explode"}, "preset", "Fade In & Out"),
    ({"preset": "Fade In", "curve": "Springy"}, "curve", "Ease In (Quad)"),
    ({"preset": "Fade In & Out", "length_in_seconds": 1.0}, "length_in_seconds", "too short"),
])
def test_bad_presets_are_400s_naming_the_valid_choices(api, clip, body, field, listed):
    response = api.post(f"/clips/{clip['id']}/presets/", body, format="json")
    assert response.status_code == 400, response.data
    assert listed in str(response.data[field])


def test_the_preset_list_is_in_the_schema(api):
    schema = api.get("/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    description = schema["components"]["schemas"]["PresetRequest"]["properties"]["preset"]["description"]
    assert all(name in description for name in PRESETS)


# --- reset -------------------------------------------------------------------------------------


def test_reset_puts_alpha_scale_location_and_rotation_back(api, clip):
    ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": "Fade In & Out", "length_in_seconds": 0.5}, format="json"))
    ok(api.post(f"/clips/{clip['id']}/presets/", {"preset": "Slide In From Left", "length_in_seconds": 0.5}, format="json"))
    ok(api.post(f"/clips/{clip['id']}/keyframes/", {"property": "volume", "position_in_seconds": 1, "value": 0.2}, format="json"))
    updated = ok(api.post(f"/clips/{clip['id']}/reset/"))
    assert _points(updated, "alpha") == [(1, 1.0, 2)]
    assert _points(updated, "location_x") == [(1, 0.0, 2)]
    assert len(updated["json"]["volume"]["Points"]) == 2  # not one of the reset properties


# --- captions ----------------------------------------------------------------------------------


def _caption_effect(clip: dict) -> dict:
    captions = [e for e in clip["json"]["effects"] if e["class_name"] == "Caption"]
    assert len(captions) == 1
    return captions[0]


def test_captions_create_then_extend_one_caption_effect(api, clip):
    url = f"/clips/{clip['id']}/captions/"
    first = ok(api.post(url, {"caption_text": "00:00.000 --> 00:07.000\nCaption text to be displayed between 0 and 7 seconds."},
                        format="json"))
    assert "between 0 and 7 seconds" in _caption_effect(first)["caption_text"]
    second = ok(api.post(url, {"caption_text": "1\n00:00:07,000 --> 00:00:09,500\nSecond cue\n"}, format="json"))
    text = _caption_effect(second)["caption_text"]
    assert "between 0 and 7 seconds" in text and "Second cue" in text


def test_captions_import_the_files_transcript(api, clip):
    ok(api.patch(clip["file"], {"json": {"transcripts": {"fr": "00:00.000 --> 00:01.000\nBonjour",
                                                          "en": "00:00.000 --> 00:01.000\nHello"}}}, format="json"))
    updated = ok(api.post(f"/clips/{clip['id']}/captions/",
                          {"caption_text": "", "append_file_transcript": True, "file_transcript_language": "en"}, format="json"))
    assert "Hello" in _caption_effect(updated)["caption_text"]
    assert "Bonjour" not in _caption_effect(updated)["caption_text"]


@pytest.mark.parametrize("body, field", [
    ({"caption_text": "just some words"}, "caption_text"),
    ({"caption_text": "00:05.000 --> 00:01.000\nbackwards"}, "caption_text"),
    ({"caption_text": ""}, "caption_text"),
    ({"caption_text": "", "append_file_transcript": True}, "append_file_transcript"),
])
def test_bad_captions_are_400s(api, clip, body, field):
    response = api.post(f"/clips/{clip['id']}/captions/", body, format="json")
    assert response.status_code == 400, response.data
    assert field in response.data


def test_another_users_clip_actions_are_404s(other_api, clip):
    for action in ("keyframes", "presets", "reset", "captions"):
        assert other_api.post(f"/clips/{clip['id']}/{action}/", {}, format="json").status_code == 404
