"""/projects/<id>/download/format/: EDL, Final Cut Pro 7 XML and OTIO, read back with OpenTimelineIO."""

from __future__ import annotations

import io
import json
import zipfile

import opentimelineio as otio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from media_assets.models import File
from projects.models import Clip, Effect
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


def _download(api, project: dict, fmt: str, **options) -> zipfile.ZipFile:
    response = api.post(f"/projects/{project['id']}/download/format/", {"format": fmt, "json": options}, format="json")
    assert response.status_code == 200, response.content[:1000]
    assert response.streaming and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _document(archive: zipfile.ZipFile) -> tuple[str, str]:
    (name,) = [n for n in archive.namelist() if not n.startswith("media/")]
    return name, archive.read(name).decode("utf-8")


def _cuts(track) -> list[tuple[str, int, int, int]]:
    """(file name, record in, record out, source in) of each clip, in frames."""
    cuts = []
    for item in track:
        if isinstance(item, otio.schema.Clip):
            record = item.range_in_parent()
            cuts.append((item.media_reference.target_url.rsplit("/", 1)[-1],
                         round(record.start_time.value), round(record.end_time_exclusive().value),
                         round(item.source_range.start_time.value)))
    return cuts


@pytest.fixture
def ntsc(api, video_path, image_path, audio_path):
    """A 29.97 fps project: layer 1 has a video (0-1.5 s, from 0.5 s) overlapped by a still from 1 s; layer 2 a still; layer 3 sound."""
    project = create_project(api, name="Cut", width=640, height=360, fps_num=30000, fps_den=1001)
    video = upload_file(api, project, video_path)
    still = upload_file(api, project, image_path)
    sound = upload_file(api, project, audio_path)
    create_clip(api, project, video, position=0.0, start=0.5, end=2.0, layer=1)
    create_clip(api, project, still, position=1.0, start=0.0, end=3.0, layer=1)
    create_clip(api, project, still, position=0.5, start=0.0, end=1.0, layer=2)
    create_clip(api, project, sound, position=2.0, start=0.25, end=1.25, layer=3)
    return project


# --- EDL -----------------------------------------------------------------------------------------


def test_edl_of_a_layer_has_drop_frame_timecode_and_reads_back_to_the_same_cuts(api, ntsc):
    archive = _download(api, ntsc, "edl", layer=1)
    name, edl = _document(archive)

    assert name == "cut-layer1.edl"
    assert "FCM: DROP FRAME" in edl
    # record 0 s to 1 s (the still covers the video from 1 s), source from 0.5 s = frame 15 at 29.97 fps
    assert "00:00:00;15 00:00:01;15 00:00:00;00 00:00:01;00" in edl
    assert sorted(n for n in archive.namelist() if n.startswith("media/")) == ["media/clip.mp4", "media/still.png"]
    timeline = otio.adapters.read_from_string(edl, "cmx_3600", rate=30000 / 1001)
    # frames: the video 0-30 from source 15; the still from 30 (1 s) to 120 (4 s) from source 0
    assert _cuts(timeline.tracks[0]) == [("clip.mp4", 0, 30, 15), ("still.png", 30, 120, 0)]


def test_edl_at_59_94_is_drop_frame_and_at_25_is_not(api, image_path):
    for fps_num, fps_den, flag, separator in ((60000, 1001, "FCM: DROP FRAME", ";"), (25, 1, "FCM: NON-DROP FRAME", ":")):
        project = create_project(api, name=f"Rate {fps_num}", fps_num=fps_num, fps_den=fps_den)
        still = upload_file(api, project, image_path)
        create_clip(api, project, still, position=61.0, start=0.0, end=2.0, layer=4)
        _, edl = _document(_download(api, project, "edl", layer=4))
        assert flag in edl
        event = next(line for line in edl.splitlines() if line.startswith("001"))
        assert event.split()[-2] == f"00:01:01{separator}00"


def test_edl_layer_defaults_to_the_only_layer(api, image_path):
    project = create_project(api, name="One layer")
    still = upload_file(api, project, image_path)
    create_clip(api, project, still, position=0.0, end=1.0, layer=7)
    name, _ = _document(_download(api, project, "edl"))
    assert name == "one-layer-layer7.edl"


@pytest.mark.parametrize("body, message", [
    ({"format": "edl", "json": {}}, "give json.layer, one of 1, 2, 3"),
    ({"format": "edl", "json": {"layer": 9}}, "Layer 9 has no clips; layers with clips: 1, 2, 3"),
    ({"format": "edl", "json": "{\"layer\": \"top\"}"}, "valid integer"),
    ({"format": "aaf", "json": {}}, "not a valid choice"),
    ({"json": {}}, "required"),
])
def test_bad_format_requests_are_400s(api, ntsc, body, message):
    response = api.post(f"/projects/{ntsc['id']}/download/format/", body, format="json")
    assert response.status_code == 400, response.data
    assert message in str(response.data)


def test_an_edl_needs_a_smpte_frame_rate(api, image_path):
    project = create_project(api, name="Odd", fps_num=15)
    still = upload_file(api, project, image_path)
    create_clip(api, project, still, position=0.0, end=1.0, layer=1)
    response = api.post(f"/projects/{project['id']}/download/format/", {"format": "edl", "json": {"layer": 1}}, format="json")
    assert response.status_code == 400
    assert "SMPTE" in str(response.data["format"])


# --- FCP 7 XML -----------------------------------------------------------------------------------


def test_fcp_xml_holds_every_layer_and_reads_back_to_the_same_cuts(api, ntsc):
    archive = _download(api, ntsc, "xml")
    name, xml = _document(archive)

    assert name == "cut.xml" and xml.startswith("<?xml") and '<xmeml version="4">' in xml
    assert "<width>640</width><height>360</height>" in xml  # the sequence's format
    timeline = otio.adapters.read_from_string(xml, "fcp_xml")
    video = [_cuts(t) for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    audio = [_cuts(t) for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio]
    # layer 1's overlap goes to a second track above it; 1 s = 30 frames at 29.97 (rounded)
    assert video == [[("clip.mp4", 0, 45, 15)], [("still.png", 30, 120, 0)], [("still.png", 15, 45, 0)]]
    assert audio == [[("clip.mp4", 0, 45, 15)], [("tone.mp3", 60, 90, 7)]]
    assert sorted(n for n in archive.namelist() if n.startswith("media/")) == [
        "media/clip.mp4", "media/still.png", "media/tone.mp3"]


# --- OTIO ----------------------------------------------------------------------------------------


def _rows(project_id: int) -> list[tuple]:
    return sorted((c.position, c.start, c.end, c.layer, json.dumps(c.json, sort_keys=True), c.file.name)
                  for c in Clip.objects.filter(project_id=project_id))


def test_otio_export_then_load_restores_the_project_exactly(api, ntsc):
    ok(api.post("/effects/", {"project": ntsc["url"], "type": "Blur", "title": "Haze", "position": 0.5, "end": 1.0,
                              "layer": 2, "json": {"horizontal_radius": 5}}, format="json"), 201)
    Clip.objects.filter(project_id=ntsc["id"], layer=2).update(json={"alpha": 0.25, "gravity": 7})
    archive = _download(api, ntsc, "otio")
    name, text = _document(archive)
    assert name == "cut.otio"
    timeline = otio.adapters.read_from_string(text, "otio_json")
    assert len([t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]) == 3

    fresh = create_project(api, name="From OTIO")
    upload = SimpleUploadedFile("cut-otio.zip", archive.fp.getvalue(), content_type="application/zip")
    loaded = ok(api.post(f"/projects/{fresh['id']}/load/", {"archive": upload}, format="multipart"))

    assert (loaded["fps_num"], loaded["fps_den"], loaded["width"]) == (30000, 1001, 640)
    assert _rows(fresh["id"]) == _rows(ntsc["id"])
    effect = Effect.objects.get(project_id=fresh["id"])
    assert (effect.type, effect.title, effect.position, effect.layer, effect.json) == ("Blur", "Haze", 0.5, 2, {"horizontal_radius": 5})


def test_otio_json_without_an_archive_uses_the_stored_media(api, ntsc):
    _, text = _document(_download(api, ntsc, "otio"))
    fresh = create_project(api, name="Same media")
    ok(api.post(f"/projects/{fresh['id']}/load/", {"json": json.loads(text)}, format="json"))
    assert Clip.objects.filter(project_id=fresh["id"]).count() == 4
    assert File.objects.filter(project_id=fresh["id"]).count() == 3


def _foreign_timeline() -> dict:
    """What another editor might write: two video tracks and an audio track at 25 fps, media by file URL."""
    rate = 25
    def clip(name, source_in, frames):
        reference = otio.schema.ExternalReference(
            target_url=f"file:///Volumes/Footage/{name}",
            available_range=otio.opentime.TimeRange(otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(3600 * rate, rate)))
        return otio.schema.Clip(name=name, media_reference=reference, source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(source_in, rate), otio.opentime.RationalTime(frames, rate)))
    def gap(frames):
        return otio.schema.Gap(source_range=otio.opentime.TimeRange(duration=otio.opentime.RationalTime(frames, rate)))
    timeline = otio.schema.Timeline(name="Foreign")
    v1 = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    v1.extend([clip("clip.mp4", 10, 25), otio.schema.Transition(), gap(25), clip("still.png", 0, 50)])
    v2 = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    v2.extend([gap(50), clip("still.png", 0, 25)])
    a1 = otio.schema.Track(kind=otio.schema.TrackKind.Audio)
    a1.extend([clip("tone.mp3", 5, 20)])
    timeline.tracks.extend([v1, v2, a1])
    return json.loads(otio.adapters.write_to_string(timeline, "otio_json"))


def test_a_foreign_otio_timeline_loads_by_its_cuts(api, ntsc):
    archive = _download(api, ntsc, "otio")  # its media/ folder holds clip.mp4, still.png and tone.mp3
    fresh = create_project(api, name="Foreign")
    upload = SimpleUploadedFile("media.zip", archive.fp.getvalue(), content_type="application/zip")

    ok(api.post(f"/projects/{fresh['id']}/load/", {"json": json.dumps(_foreign_timeline()), "archive": upload},
                format="multipart"))

    clips = sorted((c.file.name, c.layer, c.position, c.start, c.end, sorted(c.json)) for c in Clip.objects.filter(project_id=fresh["id"]))
    assert clips == [
        ("clip.mp4", 1, 0.0, 0.4, 1.4, ["has_audio"]),
        ("still.png", 1, 2.0, 0.0, 2.0, ["has_audio"]),
        ("still.png", 2, 2.0, 0.0, 1.0, ["has_audio"]),
        ("tone.mp3", 3, 0.0, 0.2, 1.0, ["has_video"]),
    ]
    fresh_project = ok(api.get(fresh["url"]))
    assert (fresh_project["fps_num"], fresh_project["fps_den"]) == (25, 1)


@pytest.mark.parametrize("document, message", [
    ({"OTIO_SCHEMA": "Timeline.1", "tracks": "nonsense"}, "OpenTimelineIO"),
    ({"OTIO_SCHEMA": "SerializableCollection.1", "name": "empty", "children": []}, "exactly one Timeline"),
    ({"OTIO_SCHEMA": "NoSuchSchema.7"}, "OpenTimelineIO"),
])
def test_unreadable_otio_is_a_400(api, ntsc, document, message):
    response = api.post(f"/projects/{ntsc['id']}/load/", {"json": document}, format="json")
    assert response.status_code == 400, response.data
    assert message in str(response.data)
    assert Clip.objects.filter(project_id=ntsc["id"]).count() == 4
