"""/files/: streamed uploads probed into OpenShot's json, downloads, thumbnails."""

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from media_assets.models import File
from tests.factories import create_project, ok, upload_file

pytestmark = pytest.mark.django_db

PROBE_KEYS = {
    "duration", "fps", "width", "height", "vcodec", "acodec", "sample_rate", "channels", "channel_layout",
    "has_audio", "has_video", "has_single_image", "media_type", "video_length", "video_bit_rate",
    "audio_bit_rate", "display_ratio", "pixel_ratio", "video_timebase", "audio_timebase", "interlaced_frame",
    "file_size", "metadata", "path",
}


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_upload_like_the_openshot_python_example(api, video_path):
    project = create_project(api)
    with open(video_path, "rb") as handle:
        response = api.post(f"/projects/{project['id']}/files/", {"project": project["url"], "json": "{}", "media": handle})
    file = ok(response, 201)
    assert PROBE_KEYS <= set(file["json"])
    probe = file["json"]
    assert probe["media_type"] == "video" and probe["has_video"] and probe["has_audio"]
    assert (probe["width"], probe["height"]) == (160, 90)
    assert probe["fps"] == {"num": 30, "den": 1}
    assert abs(probe["duration"] - 2.0) < 0.1
    assert not probe["path"].startswith("/"), "json.path is a storage name, never a server path"
    assert file["media"].startswith("http://testserver/media/")
    assert file["project"] == project["url"]
    assert ok(api.get(project["url"]))["files"] == [file["url"]]


def test_client_json_is_kept_under_the_probe(api, image_path):
    project = create_project(api)
    file = upload_file(api, project, image_path, client_json={"name": "logo.png", "media_type": "fake"})
    assert file["json"]["name"] == "logo.png"
    assert file["json"]["media_type"] == "image"


def test_audio_and_image_are_probed(api, image_path, audio_path):
    project = create_project(api)
    assert upload_file(api, project, image_path)["json"]["media_type"] == "image"
    audio = upload_file(api, project, audio_path)["json"]
    assert audio["media_type"] == "audio" and audio["has_audio"] and not audio["has_video"]


def test_bytes_that_are_not_media_are_a_400_and_leave_nothing(api, tmp_path, isolated_media):
    project = create_project(api)
    junk = tmp_path / "notes.mp4"
    junk.write_bytes(b"this is not a video at all" * 100)
    with open(junk, "rb") as handle:
        response = api.post("/files/", {"project": project["url"], "media": handle})
    assert response.status_code == 400 and "media" in response.data
    assert File.objects.count() == 0
    assert stored_files(isolated_media) == []


def test_a_playlist_disguised_as_mp4_is_refused(api, tmp_path, isolated_media):
    project = create_project(api)
    playlist = tmp_path / "movie.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n")
    with open(playlist, "rb") as handle:
        response = api.post("/files/", {"project": project["url"], "media": handle})
    assert response.status_code == 400
    assert File.objects.count() == 0 and stored_files(isolated_media) == []


def test_an_empty_upload_is_a_400(api, tmp_path):
    project = create_project(api)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with open(empty, "rb") as handle:
        response = api.post("/files/", {"project": project["url"], "media": handle})
    assert response.status_code == 400 and "media" in response.data


def test_a_file_without_media_is_a_400(api):
    project = create_project(api)
    response = api.post("/files/", {"project": project["url"], "json": "{}"})
    assert response.status_code == 400 and "media" in response.data


def test_a_foreign_project_is_a_field_error(api, other_api, video_path):
    theirs = create_project(other_api)
    with open(video_path, "rb") as handle:
        response = api.post("/files/", {"project": theirs["url"], "media": handle})
    assert response.status_code == 400 and "project" in response.data
    assert File.objects.count() == 0


def test_download_streams_the_bytes_with_type_and_name(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert "clip.mp4" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == video_path.read_bytes()


def test_download_honours_a_byte_range(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/download/", HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{video_path.stat().st_size}"
    assert b"".join(response.streaming_content) == video_path.read_bytes()[10:20]


def test_unsatisfiable_range_is_416(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    assert api.get(f"/files/{file['id']}/download/", HTTP_RANGE="bytes=999999999-").status_code == 416


def test_media_url_serves_only_the_owner(api, other_api, video_path):
    file = upload_file(api, create_project(api), video_path)
    media_path = file["media"].replace("http://testserver", "")
    assert api.get(media_path).status_code == 200
    assert other_api.get(media_path).status_code == 404


def test_bare_thumbnail_get_is_a_720p_jpeg_of_the_last_frame_of_a_short_file(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/thumbnail/", HTTP_ACCEPT="image/jpeg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "JPEG" and image.height <= 720 and image.width <= 1280


def test_thumbnail_parameters_choose_format_and_size(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    response = api.post(f"/files/{file['id']}/thumbnail/",
                        {"frame_number": 1, "width": 80, "height": 45, "image_format": "PNG"}, format="json")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (80, 45)


@pytest.mark.parametrize("image_format, mime, pillow_format", [
    ("BMP", "image/bmp", "BMP"), ("JPG", "image/jpeg", "JPEG"), ("JPEG", "image/jpeg", "JPEG"), ("PNG", "image/png", "PNG"),
    ("PPM", "image/x-portable-pixmap", "PPM"), ("XBM", "image/x-xbitmap", "XBM"), ("XPM", "image/x-xpixmap", "XPM"),
])
def test_every_documented_thumbnail_format_is_served_and_cached(api, video_path, image_format, mime, pillow_format):
    file = upload_file(api, create_project(api), video_path)
    for _ in range(2):  # the second answer comes from the cache, with the same type
        response = api.get(f"/files/{file['id']}/thumbnail/?width=64&height=36&image_format={image_format.lower()}")
        assert response.status_code == 200 and response["Content-Type"] == mime
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.format == pillow_format and image.size == (64, 36)


def test_a_thumbnail_of_media_missing_from_storage_is_a_404(api, video_path, isolated_media):
    file = upload_file(api, create_project(api), video_path)
    for stored in stored_files(isolated_media):
        stored.unlink()
    response = api.get(f"/files/{file['id']}/thumbnail/")
    assert response.status_code == 404 and "missing" in json.loads(response.content)["detail"]


@pytest.mark.parametrize("params", ["image_format=TIFFX", "width=0", "frame_number=0", "image_quality=101", "width=abc"])
def test_bad_thumbnail_parameters_are_400(api, video_path, params):
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/thumbnail/?{params}")
    assert response.status_code == 400
    assert json.loads(response.content)


def test_deleting_a_file_removes_its_media(api, video_path, isolated_media, django_capture_on_commit_callbacks):
    file = upload_file(api, create_project(api), video_path)
    assert stored_files(isolated_media)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(file["url"]).status_code == 204
    assert stored_files(isolated_media) == []


def test_deleting_a_project_deletes_its_objects_and_media(api, video_path, isolated_media,
                                                          django_capture_on_commit_callbacks):
    project = create_project(api)
    file = upload_file(api, project, video_path)
    ok(api.post("/clips/", {"file": file["url"], "project": project["url"]}, format="json"), 201)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(project["url"]).status_code == 204
    assert api.get(file["url"]).status_code == 404
    assert ok(api.get("/clips/"))["count"] == 0
    assert stored_files(isolated_media) == []


def test_patching_json_keeps_the_probe(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    patched = ok(api.patch(file["url"], {"json": json.dumps({"name": "renamed.mp4", "width": 1})}, format="multipart"))
    assert patched["json"]["name"] == "renamed.mp4"
    assert patched["json"]["width"] == 160
