"""Every cue form `/clips/<id>/captions/` accepts is drawn in a render.

Each test adds one cue (due from 1 s to 3 s of the clip) in one of the
grammar's forms through the API, exports the frame at 2 s as an image and
compares its caption area with the same frame rendered without captions.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from tests import mediagen
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

SIZE = {"width": 320, "height": 180, "fps_num": 30, "fps_den": 1}
FRAME_AT_2_SECONDS = 61  # frames are 1-based
TEXT = "Caption"

#: (form, caption_text): one cue from 1 s to 3 s in each form the grammar takes
CUE_FORMS = [
    ("VTT with hours", f"00:00:01.000 --> 00:00:03.000\n{TEXT}"),
    ("VTT without hours", f"00:01.000 --> 00:03.000\n{TEXT}"),
    ("one-digit minutes", f"0:01.000 --> 0:03.000\n{TEXT}"),
    ("one-digit hours", f"0:00:01.000 --> 0:00:03.000\n{TEXT}"),
    ("SubRip comma", f"00:00:01,000 --> 00:00:03,000\n{TEXT}"),
    ("OpenShot colon before the fraction", f"00:00:01:000 --> 00:00:03:000\n{TEXT}"),
    ("one-digit fraction", f"00:01.5 --> 00:03.5\n{TEXT}"),
    ("two-digit fraction", f"00:01.50 --> 00:02.75\n{TEXT}"),
    ("short arrow", f"00:01.000 -> 00:03.000\n{TEXT}"),
    ("arrow without spaces", f"00:01.000->00:03.000\n{TEXT}"),
    ("long arrow", f"00:01.000 ---> 00:03.000\n{TEXT}"),
    ("mixed separators", f"00:01,000 --> 0:00:03.000\n{TEXT}"),
    ("VTT cue settings", f"00:01.000 --> 00:03.000 align:start line:80%\n{TEXT}"),
    ("text on the timing line", f"00:01.000 --> 00:03.000 {TEXT}"),
    ("WEBVTT document", f"WEBVTT - title\n\nNOTE a comment\n\nintro\n00:01.000 --> 00:03.000\n{TEXT}\n"),
    ("SubRip document", f"1\r\n00:00:00,000 --> 00:00:00,500\r\nFirst\r\n\r\n2\r\n00:00:01,000 --> 00:00:03,000\r\n{TEXT}\r\n"),
    ("identifier on the timing's line", f"cue-2 00:01.000 --> 00:03.000\n{TEXT}"),
    ("a one-character cue", "00:01.000 --> 00:03.000\nW"),
]


@pytest.fixture(scope="module")
def black_still(tmp_path_factory):
    return mediagen.make_image(tmp_path_factory.mktemp("caption-forms") / "black.png", width=320, height=180,
                               color="black")


def _still_project(api, still) -> tuple[dict, dict]:
    project = create_project(api, **SIZE)
    clip = create_clip(api, project, upload_file(api, project, still), position=0.0, start=0.0, end=4.0)
    return project, clip


def _frame(api, project) -> Image.Image:
    export = ok(api.post("/exports/", {"project": project["url"], "export_type": "image", "video_format": "png",
                                       "start_frame": FRAME_AT_2_SECONDS}, format="json"), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    response = api.get(done["output"])
    assert response.status_code == 200
    return Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")


def _caption_area(frame: Image.Image) -> Image.Image:
    """The lower part of the frame, where the Caption effect's defaults put the text (top 0.7, left 0.25)."""
    return frame.crop((0, int(frame.height * 0.6), frame.width, frame.height))


def _changed_pixels(one: Image.Image, other: Image.Image) -> int:
    difference = ImageChops.difference(one, other).convert("L")
    return difference.point(lambda value: 255 if value > 40 else 0).histogram()[255]


@pytest.fixture(scope="module")
def without_captions():
    """The caption area of the frame at 2 s without captions: rendered once, by the first test that asks."""
    return {}


@pytest.mark.parametrize("form, caption_text", CUE_FORMS, ids=[form for form, _ in CUE_FORMS])
def test_every_accepted_cue_form_is_drawn(api, worker, black_still, without_captions, form, caption_text):
    project, clip = _still_project(api, black_still)
    if "area" not in without_captions:
        without_captions["area"] = _caption_area(_frame(api, project))
    ok(api.post(f"/clips/{clip['id']}/captions/", {"caption_text": caption_text}, format="json"))
    with_captions = _caption_area(_frame(api, project))
    assert _changed_pixels(with_captions, without_captions["area"]) > 20, f"no caption drawn for {form}"


def test_a_cue_that_is_not_due_draws_nothing(api, worker, black_still):
    """The comparison above means something: a cue outside the frame leaves the caption area as it was."""
    project, clip = _still_project(api, black_still)
    before = _caption_area(_frame(api, project))
    ok(api.post(f"/clips/{clip['id']}/captions/", {"caption_text": f"00:03.000 --> 00:04.000\n{TEXT}"},
                format="json"))
    assert _changed_pixels(_caption_area(_frame(api, project)), before) == 0
