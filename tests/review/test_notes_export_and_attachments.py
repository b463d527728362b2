"""Notes for an editor (/assets/<id>/comments/export/) and attachments (/comments/<id>/attachments/)."""

import csv
import io

import opentimelineio as otio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import ok
from tests.review.conftest import comments_url

pytestmark = pytest.mark.django_db

NOTES = {"01:00:10;00": "Too dark", "01:01:00;02": "Cut earlier", "01:09:00;02": "Music too loud"}


@pytest.fixture
def noted(api, asset):
    for timecode, text in NOTES.items():
        note = ok(api.post(comments_url(asset), {"text": text, "frame": timecode, "duration": 5}, format="json"), 201)
        ok(api.post(f"{note['url']}reply/", {"text": f"re: {text}"}, format="json"), 201)
    ok(api.post(comments_url(asset), {"text": "Whole thing: lovely"}, format="json"), 201)
    return {text: ok(api.get(comments_url(asset), {"parent": "null"}))["results"] for text in ["all"]}["all"]


def exported(api, asset, fmt: str):
    response = api.get(f"{comments_url(asset)}export/", {"format": fmt})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode()


def test_csv_has_each_note_with_its_timecode_and_replies(api, asset, noted):
    rows = list(csv.DictReader(io.StringIO(exported(api, asset, "csv"))))
    by_text = {row["text"]: row for row in rows}
    assert set(by_text) == {*NOTES.values(), "Whole thing: lovely"}
    for timecode, text in NOTES.items():
        assert by_text[text]["timecode"] == timecode and by_text[text]["replies"] == f"alice: re: {text}"
    assert by_text["Whole thing: lovely"]["frame"] == ""


def read_markers(text: str, adapter: str, rate: float) -> dict[str, int]:
    options = {"rate": rate} if adapter == "cmx_3600" else {}
    timeline = otio.adapters.read_from_string(text, adapter, **options)
    return {marker.name.lower(): round(marker.marked_range.start_time.to_frames())
            for clip in timeline.find_clips() for marker in clip.markers}


def assert_on_their_frames(markers: dict[str, int], noted: list[dict]) -> None:
    frames = {note["text"].lower(): note["frame"]["frm"] for note in noted if note["frame"]}
    assert len(markers) == len(frames), markers
    for name, frame in markers.items():
        text = next(text for text in frames if text in name)
        assert frame == frames[text], name


@pytest.mark.parametrize("fmt, adapter", [("xml", "fcp_xml"), ("otio", "otio_json")])
def test_drop_frame_marker_exports_read_back_by_opentimelineio_with_every_note_on_its_frame(api, asset, noted,
                                                                                            fmt, adapter):
    assert_on_their_frames(read_markers(exported(api, asset, fmt), adapter, 30000 / 1001), noted)


def test_drop_frame_edl_locators_are_on_their_timecodes(api, asset, noted):
    # OTIO's CMX reader skips locators written with ';' (its pattern wants HH:MM:SS:FF), so at 29.97 DF the
    # locator lines the writer made are checked as text; the 25 fps test below reads them back through OTIO.
    text = exported(api, asset, "edl")
    assert "FCM: DROP FRAME" in text
    for timecode, note in NOTES.items():
        assert f"* LOC: {timecode} RED     ALICE: {note.upper()}" in text


def test_edl_locators_read_back_by_opentimelineio_on_their_frames(api, catalog):
    from tests.media_assets.catalog.helpers import create_asset

    asset = create_asset(api, catalog, name="PAL", fmt=25, media_start="10:00:00:00", media_end="10:10:00:00")
    for timecode in ("10:00:01:00", "10:05:00:12"):
        ok(api.post(comments_url(asset), {"text": f"at {timecode}", "frame": timecode}, format="json"), 201)
    noted = ok(api.get(comments_url(asset)))["results"]
    text = exported(api, asset, "edl")
    assert "FCM: NON-DROP FRAME" in text
    assert_on_their_frames(read_markers(text, "cmx_3600", 25), noted)


def test_an_unknown_export_format_is_a_400(api, asset):
    response = api.get(f"{comments_url(asset)}export/", {"format": "pdf"})
    assert response.status_code == 400 and "format" in response.json()


def test_attachments_are_size_capped_and_served_as_downloads(api, other_api, viewer_api, asset, settings):
    settings.REVIEW_ATTACHMENT_MAX_BYTES = 1000
    note = ok(api.post(comments_url(asset), {"text": "see the reference"}, format="json"), 201)
    html = SimpleUploadedFile("ref.html", b"<script>alert(1)</script>", content_type="text/html")
    answer = ok(api.post(f"{note['url']}attachments/", {"file": html}, format="multipart"), 201)
    attachment = answer["attachments"][0]
    assert attachment["name"] == "ref.html" and attachment["bytes"] == 25 and attachment["content_type"] == "text/html"
    response = viewer_api.get(attachment["url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    big = SimpleUploadedFile("big.bin", b"x" * 1001)
    response = api.post(f"{note['url']}attachments/", {"file": big}, format="multipart")
    assert response.status_code == 400 and "file" in response.data
    assert viewer_api.post(f"{note['url']}attachments/", {"file": SimpleUploadedFile("a.txt", b"a")},
                           format="multipart").status_code == 403
    assert len(ok(api.get(note["url"]))["attachments"]) == 1


def test_another_users_attachment_is_404(api, other_api, asset):
    note = ok(api.post(comments_url(asset), {"text": "n"}, format="json"), 201)
    answer = ok(api.post(f"{note['url']}attachments/", {"file": SimpleUploadedFile("a.txt", b"a")},
                         format="multipart"), 201)
    assert other_api.get(answer["attachments"][0]["url"]).status_code == 404
    assert other_api.post(f"{note['url']}attachments/", {"file": SimpleUploadedFile("a.txt", b"a")},
                          format="multipart").status_code == 404
