"""Media on the local disk, S3 and Azure: the same uploads, downloads and thumbnails on each."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image
from requests.structures import CaseInsensitiveDict

from media_assets.models import File
from tests.factories import create_project, ok, upload_file
from tests.media_assets.test_titles_and_fonts import make_font

pytestmark = pytest.mark.django_db


def download(api, url: str, **headers) -> tuple[int, bytes, dict]:
    """GET like a client that follows redirects: the signed URL is fetched without our credentials."""
    response = api.get(url, **headers)
    if response.status_code == 302:
        assert response["Cache-Control"] == "private, no-store"
        forwarded = {"Range": headers["HTTP_RANGE"]} if "HTTP_RANGE" in headers else {}
        fetched = requests.get(response["Location"], headers=forwarded, timeout=10)
        return fetched.status_code, fetched.content, fetched.headers
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, CaseInsensitiveDict(response.items())


def test_an_upload_is_stored_in_the_backend_and_probed(api, storage, video_path):
    file = upload_file(api, create_project(api), video_path)
    assert file["json"]["media_type"] == "video" and file["json"]["width"] == 160
    assert storage.names() == [file["json"]["path"]]
    assert storage.read(file["json"]["path"]) == video_path.read_bytes()
    assert file["media"] == f"http://testserver/media/{file['json']['path']}"


def test_two_uploads_of_one_name_do_not_overwrite_each_other(api, storage, video_path, image_path):
    project = create_project(api)
    first = upload_file(api, project, video_path)
    second = upload_file(api, project, video_path)
    assert first["json"]["path"] != second["json"]["path"]
    assert len(storage.names()) == 2


def test_download_gives_the_bytes_with_name_and_type(api, storage, video_path):
    file = upload_file(api, create_project(api), video_path)
    status, body, headers = download(api, f"/files/{file['id']}/download/")
    assert status == 200 and body == video_path.read_bytes()
    assert headers["Content-Type"] == "video/mp4"
    assert "clip.mp4" in headers["Content-Disposition"]


def test_download_honours_a_byte_range(api, storage, video_path):
    file = upload_file(api, create_project(api), video_path)
    status, body, headers = download(api, f"/files/{file['id']}/download/", HTTP_RANGE="bytes=100-199")
    assert status == 206 and body == video_path.read_bytes()[100:200]


def test_cloud_downloads_redirect_to_a_short_lived_signed_url(api, storage, video_path, settings):
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/download/")
    if storage.kind == "local":
        assert response.status_code == 200
        return
    assert response.status_code == 302
    location = response["Location"]
    assert ("X-Amz-Expires=300" in location) if storage.kind == "s3" else ("se=" in location and "sig=" in location)


def test_with_redirects_off_cloud_downloads_stream_through_the_server(api, storage, video_path, settings):
    settings.MEDIA_DOWNLOAD_REDIRECT = False
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/download/", HTTP_RANGE="bytes=10-2000")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == video_path.read_bytes()[10:2001]
    whole = api.get(f"/files/{file['id']}/download/")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == video_path.read_bytes()


def test_the_owner_check_comes_before_any_redirect(api, other_api, storage, video_path):
    file = upload_file(api, create_project(api), video_path)
    assert other_api.get(f"/files/{file['id']}/download/").status_code == 404
    assert other_api.get(file["media"].replace("http://testserver", "")).status_code == 404
    status, body, _ = download(api, file["media"].replace("http://testserver", ""))
    assert status == 200 and body == video_path.read_bytes()


def test_media_missing_from_storage_is_a_404(api, storage, video_path):
    file = upload_file(api, create_project(api), video_path)
    from django.core.files.storage import default_storage

    default_storage.delete(file["json"]["path"])
    assert api.get(f"/files/{file['id']}/download/").status_code == 404


def test_bytes_that_are_not_media_leave_nothing_in_the_backend(api, storage, tmp_path, temp_dir):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"definitely not a video " * 200_000)  # over the in-memory upload limit
    with open(junk, "rb") as handle:
        response = api.post("/files/", {"project": create_project(api)["url"], "media": handle})
    assert response.status_code == 400 and "media" in response.data
    assert File.objects.count() == 0 and storage.names() == [] and list(temp_dir.iterdir()) == []


def test_thumbnails_read_cloud_media_through_the_local_cache(api, storage, video_path, settings, tmp_path):
    file = upload_file(api, create_project(api), video_path)
    response = api.get(f"/files/{file['id']}/thumbnail/?width=80&height=45&image_format=PNG")
    assert response.status_code == 200
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (80, 45)
    cached = [path for path in (tmp_path / "media-cache").glob("*")] if storage.kind != "local" else []
    assert len(cached) == (0 if storage.kind == "local" else 1)
    if cached:
        assert cached[0].read_bytes() == video_path.read_bytes() and cached[0].suffix == ".mp4"


def test_deleting_a_file_deletes_its_object(api, storage, video_path, django_capture_on_commit_callbacks):
    file = upload_file(api, create_project(api), video_path)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(file["url"]).status_code == 204
    assert storage.names() == []


def test_replacing_the_media_stores_the_new_bytes(api, storage, video_path, image_path,
                                                  django_capture_on_commit_callbacks):
    file = upload_file(api, create_project(api), video_path)
    with open(image_path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        patched = ok(api.patch(file["url"], {"media": handle}, format="multipart"))
    assert patched["json"]["media_type"] == "image"
    assert storage.names() == [patched["json"]["path"]]


def test_a_copy_has_its_own_bytes_in_the_backend(api, storage, video_path):
    file = upload_file(api, create_project(api), video_path)
    copy = ok(api.post(f"/files/{file['id']}/copy/", {"name": "copy.mp4"}, format="json"), 201)
    assert copy["json"]["path"] != file["json"]["path"]
    assert storage.names() == sorted([file["json"]["path"], copy["json"]["path"]])
    assert storage.read(copy["json"]["path"]) == video_path.read_bytes()


def test_an_added_font_is_stored_in_the_backend_and_draws_titles(api, storage, tmp_path):
    path = make_font(tmp_path / "montage-cloud.ttf", "Montage Cloud Sans")
    with open(path, "rb") as handle:
        listing = ok(api.post("/info/fonts/", {"font_file": handle}, format="multipart"), 201)
    assert {"family": "Montage Cloud Sans", "styles": ["Regular"], "source": "added"} in listing["fonts"]
    assert storage.names() == [f"fonts/{api.user.pk}/Montage-Cloud-Sans-Regular.ttf"]  # each user's own fonts
    project = create_project(api)
    title = ok(api.post(f"/projects/{project['id']}/title/", {"text": "AAA", "font_name": "Montage Cloud Sans"},
                        format="json"), 201)
    assert api.get(f"/files/{title['id']}/thumbnail/?image_format=PNG").status_code == 200
