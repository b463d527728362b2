"""Previews made on ingest by a worker, and the API that lists and serves them."""

import json
import re
import shutil
import subprocess

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from media_assets.previews.models import Rendition
from media_assets.previews.waveform import waveform_errors
from tests import mediagen
from tests.factories import create_project, ok, upload_file
from tests.previews.conftest import by_kind, wait_for_previews

VIDEO_KINDS = {"thumbnail-small", "thumbnail-medium", "thumbnail-large", "proxy", "sprite", "sprite-vtt", "waveform",
               "waveform-image"}


def bytes_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def project(api):
    return create_project(api)


def test_upload_answers_at_once_and_the_worker_makes_every_video_rendition(api, worker, project, video_path):
    file = upload_file(api, project, video_path)
    assert file["previews"].endswith(f"/files/{file['id']}/previews/")
    done = wait_for_previews(api, file["previews"])
    assert done["status"] == "ready", done
    kinds = by_kind(done)
    assert set(kinds) == VIDEO_KINDS
    for entry in kinds.values():
        assert entry["status"] == "ready" and entry["url"].startswith("http://testserver/") and entry["bytes"] > 0
    assert kinds["thumbnail-small"]["width"] == 160 and kinds["proxy"]["content_type"] == "video/mp4"
    assert ok(api.get(file["url"]))["preview_status"] == "ready"

    thumbnail = api.get(kinds["thumbnail-small"]["url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    with Image.open(__import__("io").BytesIO(bytes_of(thumbnail))) as image:
        assert image.width == 160

    waveform = json.loads(bytes_of(api.get(kinds["waveform"]["url"])))
    assert waveform_errors(waveform) == [] and waveform["length"] > 0
    assert waveform["sample_rate"] == 48000 and waveform["channels"] == 1 and waveform["bits"] == 8
    if shutil.which("audiowaveform"):
        stored = default_storage.path(Rendition.objects.get(file_id=file["id"], kind="waveform").storage_name)
        result = subprocess.run(["audiowaveform", "-i", stored, "-o", "/dev/null", "--output-format", "dat"],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_sprite_track_cues_point_inside_the_sheet_and_cover_the_duration(api, worker, project, media_dir):
    clip = mediagen.make_video(media_dir / "twelve-seconds.mp4", seconds=12.0, audio=False)
    file = upload_file(api, project, clip)
    kinds = by_kind(wait_for_previews(api, file["previews"]))
    assert "waveform" not in kinds  # no audio, no waveform
    sheet = kinds["sprite"]
    track = bytes_of(api.get(kinds["sprite-vtt"]["url"])).decode()
    assert track.startswith("WEBVTT")
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)",
                      track)
    assert len(cues) == 12  # one a second
    seconds = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000  # noqa: E731
    previous_end = 0.0
    for cue in cues:
        start, end = seconds(*cue[0:4]), seconds(*cue[4:8])
        name, x, y, w, h = cue[8], *map(int, cue[9:13])
        assert name == "sprite.jpg" and w == 160
        assert x + w <= sheet["width"] and y + h <= sheet["height"]
        assert abs(start - previous_end) < 0.002 and end > start
        previous_end = end
    assert abs(previous_end - 12.0) < 0.05
    # the cue's relative URL resolves beside the track
    sibling = api.get(kinds["sprite-vtt"]["url"] + "sprite.jpg")
    assert sibling.status_code == 200 and sibling["Content-Type"] == "image/jpeg"


def test_browser_style_range_request_on_the_proxy(api, worker, project, video_path):
    file = upload_file(api, project, video_path)
    proxy = by_kind(wait_for_previews(api, file["previews"]))["proxy"]
    first = api.get(proxy["url"], HTTP_RANGE="bytes=0-")
    assert first.status_code == 206 and first["Accept-Ranges"] == "bytes"
    size = proxy["bytes"]
    assert first["Content-Range"] == f"bytes 0-{size - 1}/{size}"
    tail = api.get(proxy["url"], HTTP_RANGE=f"bytes={size - 100}-")
    assert tail.status_code == 206 and len(bytes_of(tail)) == 100
    assert api.get(proxy["url"], HTTP_RANGE=f"bytes={size + 10}-").status_code == 416


def test_audio_gets_a_proxy_and_a_waveform_and_images_three_thumbnails(api, worker, project, audio_path, image_path):
    audio = upload_file(api, project, audio_path)
    image = upload_file(api, project, image_path)
    audio_kinds = by_kind(wait_for_previews(api, audio["previews"]))
    assert set(audio_kinds) == {"proxy", "waveform", "waveform-image"}
    assert audio_kinds["proxy"]["content_type"] == "audio/mp4" and audio_kinds["waveform-image"]["width"] > 0
    image_kinds = by_kind(wait_for_previews(api, image["previews"]))
    assert set(image_kinds) == {"thumbnail-small", "thumbnail-medium", "thumbnail-large"}
    assert image_kinds["thumbnail-small"]["width"] == 160  # the still is 160 wide: never upscaled either


def test_undecodable_media_fails_with_a_reason_and_the_file_stays_usable(api, worker, project, media_dir):
    clip = mediagen.make_video(media_dir / "to-break.mp4", seconds=2.0)
    file = upload_file(api, project, clip)
    wait_for_previews(api, file["previews"])
    stored = Rendition.objects.get(file_id=file["id"], kind="proxy").file.media.name
    with default_storage.open(stored, "r+b") as handle:  # the bytes rot after the probe accepted them
        handle.seek(0)
        handle.write(b"\0" * 4096)
        handle.truncate(8192)
    remade = ok(api.post(file["previews"], {}, format="json"), 202)
    assert remade["status"] == "processing"
    failed = wait_for_previews(api, file["previews"])
    assert failed["status"] == "failed"
    proxy = by_kind(failed)["proxy"]
    assert proxy["status"] == "failed" and "could not decode" in proxy["error"] and proxy["url"] is None
    missing = api.get(f"/files/{file['id']}/previews/proxy/")
    assert missing.status_code == 404 and "failed" in missing.data["detail"]
    assert api.get(f"/files/{file['id']}/download/").status_code == 200


def test_remake_with_an_unknown_kind_is_a_400_naming_it(api, project, video_path):
    file = upload_file(api, project, video_path)
    response = api.post(file["previews"], {"kinds": ["proxy", "hologram"]}, format="json")
    assert response.status_code == 400, response.data
    assert "hologram" in str(response.data["kinds"])


def test_not_ready_preview_is_a_404_naming_its_status(api, project, video_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        file = upload_file(api, project, video_path)
    listed = ok(api.get(file["previews"]))
    assert listed["status"] == "processing"
    assert all(entry["status"] == "pending" and entry["url"] is None for entry in listed["previews"])
    response = api.get(f"/files/{file['id']}/previews/proxy/")
    assert response.status_code == 404 and "pending" in response.data["detail"]
    assert api.get(f"/files/{file['id']}/previews/hologram/").status_code == 404


def test_other_users_get_404_for_my_previews(api, other_api, project, video_path):
    file = upload_file(api, project, video_path)
    assert other_api.get(file["previews"]).status_code == 404
    assert other_api.post(file["previews"], {}, format="json").status_code == 404
    assert other_api.get(f"/files/{file['id']}/previews/proxy/").status_code == 404


def test_deleting_the_file_deletes_its_previews(api, worker, project, video_path):
    file = upload_file(api, project, video_path)
    wait_for_previews(api, file["previews"])
    names = list(Rendition.objects.filter(file_id=file["id"]).values_list("storage_name", flat=True))
    assert names and all(default_storage.exists(name) for name in names)
    assert api.delete(file["url"]).status_code == 204
    assert not any(default_storage.exists(name) for name in names)
    assert not Rendition.objects.filter(file_id=file["id"]).exists()


def test_asset_previews_are_its_files(api, worker, video_path):
    catalog = ok(api.post("/catalogs/", {"name": "Library"}, format="json"), 201)
    with open(video_path, "rb") as handle:
        asset = ok(api.post("/assets/", {"catalog": catalog["url"], "name": "clip", "media": handle},
                            format="multipart"), 201)
    url = f"/assets/{asset['id']}/previews/"
    done = wait_for_previews(api, url)
    assert done["status"] == "ready"
    proxy = by_kind(done)["proxy"]
    assert f"/assets/{asset['id']}/previews/proxy/" in proxy["url"]
    assert api.get(proxy["url"]).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_file_list_query_count_is_unchanged_with_previews(api, user, django_assert_num_queries, count):
    from media_assets.models import File
    from projects.models import Project
    from tests.test_query_counts import LIST_QUERIES

    project = Project.objects.create(owner=user, name="P")
    for index in range(count):
        file = File.objects.create(owner=user, project=project, media=f"files/{project.pk}/f{index}.mp4",
                                   json={"duration": 2.0, "media_type": "video"})
        for kind, status in (("proxy", "ready"), ("sprite", "failed" if index % 2 else "ready")):
            Rendition.objects.create(file=file, kind=kind, status=status)
    with django_assert_num_queries(LIST_QUERIES["/files/"]):
        response = api.get("/files/?page_size=100")
    assert response.status_code == 200 and response.data["count"] == count
    statuses = {entry["preview_status"] for entry in response.data["results"]}
    assert statuses == ({"ready"} if count == 1 else {"ready", "failed"})
