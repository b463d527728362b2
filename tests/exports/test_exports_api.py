"""/exports/: OpenShot's render lifecycle through the API, with a real worker."""

import io
import json

import av
import pytest

from exports.models import Export
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

SMALL = {"width": 160, "height": 90, "fps_num": 30, "fps_den": 1}


@pytest.fixture
def timeline(api, video_path):
    """A 160x90 project holding one 2 s clip."""
    project = create_project(api, **SMALL)
    file = upload_file(api, project, video_path)
    create_clip(api, project, file, position=0.0, start=0.0, end=2.0)
    return project


def decoded_frames(data: bytes) -> int:
    with av.open(io.BytesIO(data)) as container:
        return sum(1 for _ in container.decode(video=0))


@pytest.mark.django_db
def test_an_export_without_export_type_is_a_video_with_the_projects_encoding(api, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"]}, format="json"), 201)
    assert export["export_type"] == "video"
    assert (export["video_format"], export["video_codec"], export["audio_codec"]) == ("mp4", "libx264", "aac")
    assert (export["video_bitrate"], export["audio_bitrate"]) == (8000000, 192000)
    assert (export["start_frame"], export["end_frame"]) == (1, None)
    assert export["status"] == "pending" and export["progress"] == 0.0 and export["output"] is None
    assert export["url"] + "retry/" in export["actions"]
    assert ok(api.get(timeline["url"]))["exports"] == [export["url"]]


@pytest.mark.django_db
def test_openshot_text_bitrates_are_understood(api, timeline):
    data = {"project": timeline["url"], "video_bitrate": "8.0 Mb/sec", "audio_bitrate": "192 kb/sec", "end_frame": -1}
    export = ok(api.post("/exports/", data, format="json"), 201)
    assert (export["video_bitrate"], export["audio_bitrate"], export["end_frame"]) == (8000000, 192000, None)


@pytest.mark.django_db
@pytest.mark.parametrize("fields, bad_field", [
    ({"video_format": "webm", "video_codec": "libx264"}, "video_format"),
    ({"video_codec": "no-such-codec"}, "video_format"),
    ({"video_format": "nonsense"}, "video_format"),
    ({"export_type": "hologram"}, "export_type"),
    ({"video_bitrate": "fast please"}, "video_bitrate"),
    ({"start_frame": 0}, "start_frame"),
    ({"start_frame": 10, "end_frame": 5}, "end_frame"),
    ({"json": {"width": 0}}, "json"),
    ({"json": {"fps": {"num": 30, "den": 0}}}, "json"),
    ({"json": "{broken"}, "json"),
    ({"webhook": "not a url"}, "webhook"),
])
def test_bad_export_settings_are_400_before_queueing(api, timeline, fields, bad_field):
    response = api.post("/exports/", {"project": timeline["url"], **fields}, format="json")
    assert response.status_code == 400 and bad_field in response.data, response.data
    assert Export.objects.count() == 0


@pytest.mark.django_db
def test_other_user_cannot_see_or_export_my_project(api, other_api, timeline):
    assert other_api.post("/exports/", {"project": timeline["url"]}, format="json").status_code == 400
    export = ok(api.post("/exports/", {"project": timeline["url"]}, format="json"), 201)
    assert other_api.get(export["url"]).status_code == 404
    assert other_api.post(export["url"] + "cancel/").status_code == 404
    assert ok(other_api.get("/exports/"))["count"] == 0


@pytest.mark.django_db
def test_cancel_a_pending_export_leaves_it_failed_with_cancelled(api, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"]}, format="json"), 201)
    assert ok(api.post(export["url"] + "cancel/"))["detail"]
    current = ok(api.get(export["url"]))
    assert current["status"] == "failed" and current["json"]["error"] == "cancelled"
    response = api.post(export["url"] + "cancel/")
    assert response.status_code == 400 and "detail" in response.data


@pytest.mark.django_db
def test_only_failed_exports_can_be_retried(api, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"]}, format="json"), 201)
    response = api.post(export["url"] + "retry/")
    assert response.status_code == 400 and "pending" in response.data["detail"]


@pytest.mark.django_db
def test_client_cannot_write_server_keys_of_json(api, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"], "json": {"error": "x", "retries": 9, "note": 1}},
                         format="json"), 201)
    assert export["json"] == {"note": 1}


@pytest.mark.django_db
def test_filters_by_project_status_and_type(api, timeline):
    ok(api.post("/exports/", {"project": timeline["url"]}, format="json"), 201)
    ok(api.post("/exports/", {"project": timeline["url"], "export_type": "audio", "video_format": "mp3",
                              "audio_codec": "libmp3lame"}, format="json"), 201)
    assert ok(api.get("/exports/?export_type=audio"))["count"] == 1
    assert ok(api.get("/exports/?export_type=image sequence"))["count"] == 0
    assert ok(api.get("/exports/?export_type=image-sequence"))["count"] == 0
    assert api.get("/exports/?export_type=movie").status_code == 400
    assert ok(api.get(f"/exports/?project={timeline['id']}&status=pending"))["count"] == 2
    assert ok(api.get(f"/projects/{timeline['id']}/exports/"))["count"] == 2


def test_render_completes_with_progress_100_and_a_downloadable_output(api, worker, timeline):
    export = ok(api.post(f"/projects/{timeline['id']}/exports/", {"json": json.dumps({"preset": "ultrafast"})}), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    assert done["progress"] == 100.0
    assert done["output"] == f"http://testserver/exports/{done['id']}/download/"
    response = api.get(done["output"])
    assert response.status_code == 200
    assert decoded_frames(b"".join(response.streaming_content)) == 60


def test_a_failed_render_keeps_its_reason(api, worker):
    empty = create_project(api, **SMALL)
    export = ok(api.post("/exports/", {"project": empty["url"]}, format="json"), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "failed"
    assert done["json"]["error"]
    assert api.get(export["url"] + "download/").status_code == 404


def test_retry_requeues_and_counts(api, worker, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"], "json": {"preset": "ultrafast"}}, format="json"), 201)
    Export.objects.filter(pk=export["id"]).update(status="failed", json={"preset": "ultrafast", "error": "boom"})
    ok(api.post(export["url"] + "retry/"))
    done = wait_for_export(api, export)
    assert done["status"] == "completed" and done["json"]["retries"] == 1 and "error" not in done["json"]


def test_audio_image_and_waveform_exports(api, worker, timeline):
    kinds = [
        {"export_type": "audio", "video_format": "mp3", "audio_codec": "libmp3lame"},
        {"export_type": "image", "video_format": "png", "start_frame": 10},
        {"export_type": "waveform", "video_format": "png"},
        {"export_type": "image-sequence", "video_format": "png", "start_frame": 1, "end_frame": 5},
    ]
    exports = [ok(api.post("/exports/", {"project": timeline["url"], **kind}, format="json"), 201) for kind in kinds]
    for export in exports:
        done = wait_for_export(api, export)
        assert done["status"] == "completed", done["json"]
        assert api.get(done["output"]).status_code == 200
