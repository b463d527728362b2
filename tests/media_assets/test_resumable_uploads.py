"""/uploads/: resumable uploads by tus 1.0.0, with the real tus client (tuspy) against a live server, and bad input."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from tusclient import client as tus_client
from tusclient.uploader import Uploader

from media_assets.catalog.models import Asset
from media_assets.models import File
from media_assets.resumable.models import Upload
from media_assets.resumable.services import uploads_expire
from tests.factories import create_project, ok
from tests.media_assets.catalog.helpers import create_catalog

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.MONTAGE_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def metadata(**values) -> str:
    return ",".join(f"{key} {base64.b64encode(str(value).encode()).decode()}" for key, value in values.items())


def create(api, length: int, **values):
    return api.post("/uploads/", HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=metadata(**values), **TUS)


def patch(api, url: str, data: bytes, offset: int, **headers):
    return api.generic("PATCH", url, data, content_type="application/offset+octet-stream",
                       HTTP_UPLOAD_OFFSET=str(offset), **TUS, **headers)


class Sha256Uploader(Uploader):
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


# --- with tuspy against a live server ------------------------------------------------------------


@pytest.fixture
def tus(live_server, user):
    auth = base64.b64encode(b"alice:alice-password-1").decode()
    return tus_client.TusClient(f"{live_server.url}/uploads/", headers={"Authorization": f"Basic {auth}"})


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_upload_resumes_from_its_offset_and_becomes_a_file(tus, api, video_path, upload_dir):
    project = create_project(api, name="Rushes")
    size = video_path.stat().st_size
    first = tus.uploader(str(video_path), chunk_size=4096,
                         metadata={"filename": "take.mp4", "project": str(project["id"]), "json": '{"tag": "a"}'})
    first.upload(stop_at=size // 2)  # the link drops half way
    url = first.url
    assert Upload.objects.get().offset == first.offset >= size // 2 and not File.objects.exists()
    resumed = tus.uploader(str(video_path), url=url, chunk_size=64 * 1024)
    assert resumed.offset == first.offset  # tuspy asked the server (HEAD) where to go on from
    resumed.upload()
    result = ok(api.get(url, HTTP_ACCEPT="application/json"))
    file = File.objects.get()
    assert result["file"].endswith(f"/files/{file.pk}/") and result["asset"] is None
    assert file.project_id == project["id"] and file.json["tag"] == "a" and file.json["media_type"] == "video"
    assert file.sha256 == hashlib.sha256(video_path.read_bytes()).hexdigest()
    assert list(upload_dir.iterdir()) == []  # the part file is gone once it is a File


@pytest.mark.django_db(transaction=True)
def test_an_upload_into_a_catalog_with_sha256_checksums_makes_an_asset(tus, api, video_path):
    catalog = create_catalog(api, name="Rushes")
    uploader = Sha256Uploader(str(video_path), client=tus, chunk_size=32 * 1024, upload_checksum=True,
                              metadata={"filename": "take.mp4", "catalog": catalog["url"]})
    uploader.upload()
    result = ok(api.get(uploader.url, HTTP_ACCEPT="application/json"))
    asset = Asset.objects.get()
    assert result["asset"].endswith(f"/assets/{asset.pk}/") and asset.catalog_id == catalog["id"]
    assert asset.name == "take.mp4" and asset.file.project is None


# --- the protocol, request by request ---------------------------------------------------------------


@pytest.fixture
def project(api):
    return create_project(api, name="Rushes")


def test_options_says_what_the_server_speaks(api, anonymous):
    assert anonymous.options("/uploads/").status_code in (401, 403)  # authenticated like the rest of the API
    response = api.options("/uploads/")
    assert response.status_code == 204 and response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) >= {"creation", "termination", "expiration", "checksum"}
    assert "sha256" in response["Tus-Checksum-Algorithm"] and int(response["Tus-Max-Size"]) > 0


def test_uploads_need_authentication_and_the_tus_version(anonymous, api, project):
    assert create(anonymous, 10, filename="a.mp4", project=project["id"]).status_code in (401, 403)
    response = api.post("/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=metadata(filename="a"))
    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"


def test_a_wrong_offset_is_a_409_and_a_wrong_checksum_a_460(api, project, video_path):
    data = video_path.read_bytes()
    response = create(api, len(data), filename="clip.mp4", project=project["url"])
    assert response.status_code == 201 and "Upload-Expires" in response
    url = response["Location"]
    assert patch(api, url, data[:100], 0).status_code == 204
    assert patch(api, url, data[100:200], 50).status_code == 409
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    assert patch(api, url, data[100:200], 100, HTTP_UPLOAD_CHECKSUM=f"sha256 {wrong}").status_code == 460
    assert api.head(url, **TUS)["Upload-Offset"] == "100"  # the refused chunk was dropped
    right = base64.b64encode(hashlib.sha256(data[100:]).digest()).decode()
    response = patch(api, url, data[100:], 100, HTTP_UPLOAD_CHECKSUM=f"sha256 {right}")
    assert response.status_code == 204 and response["Upload-Offset"] == str(len(data))
    assert File.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_an_unknown_checksum_algorithm_is_a_400(api, project):
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    assert patch(api, url, b"x" * 10, 0, HTTP_UPLOAD_CHECKSUM="crc32 AAAA").status_code == 400


def test_too_large_is_a_413_before_anything_is_stored(api, project, settings, upload_dir):
    settings.MONTAGE_MAX_UPLOAD_BYTES = 1000
    response = create(api, 1001, filename="big.mp4", project=project["id"])
    assert response.status_code == 413 and not Upload.objects.exists()
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    assert patch(api, url, b"x" * 11, 0).status_code == 413  # past its own Upload-Length
    assert api.head(url, **TUS)["Upload-Offset"] == "0"


@pytest.mark.parametrize("values", [
    {"filename": "a.mp4"},  # neither project nor catalog
    {"filename": "a.mp4", "project": "999999"},
    {"project": "1"},  # no filename
    {"filename": "a.mp4", "project": "1", "json": "[1, 2]"},
    {"filename": "..", "project": "1"},
    {"filename": "a/../", "project": "1"},
])
def test_bad_metadata_is_a_400_and_stores_nothing(api, project, values):
    values = {key: (project["id"] if value == "1" else value) for key, value in values.items()}
    assert create(api, 10, **values).status_code == 400
    assert not Upload.objects.exists()


def test_malformed_headers_are_400s(api, project):
    assert api.post("/uploads/", HTTP_UPLOAD_LENGTH="-1", HTTP_UPLOAD_METADATA=metadata(filename="a"), **TUS).status_code == 400
    assert api.post("/uploads/", HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA="filename ***", **TUS).status_code == 400
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    assert patch(api, url, b"x", 0, ).status_code == 204
    assert api.generic("PATCH", url, b"x", content_type="text/plain", HTTP_UPLOAD_OFFSET="1", **TUS).status_code == 415
    assert patch(api, url, b"x", "one").status_code == 400


def test_a_path_in_the_filename_keeps_only_its_last_part(api, project, video_path):
    data = video_path.read_bytes()
    url = create(api, len(data), filename="../../etc/take one.mp4", project=project["id"])["Location"]
    assert patch(api, url, data, 0).status_code == 204
    assert File.objects.get().media.name.endswith("/take_one.mp4")


def test_another_users_project_catalog_or_upload_is_refused(api, other_api, project):
    theirs = create_catalog(other_api, name="Theirs")
    assert create(api, 10, filename="a.mp4", catalog=theirs["id"]).status_code == 400
    assert create(api, 10, filename="a.mp4", catalog=theirs["url"]).status_code == 400
    assert not Upload.objects.exists()
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    assert other_api.head(url, **TUS).status_code == 404
    assert patch(other_api, url, b"x" * 10, 0).status_code == 404
    assert other_api.delete(url, **TUS).status_code == 404


def test_not_media_fails_with_a_reason_and_leaves_no_file(api, project, upload_dir):
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    response = patch(api, url, b"not media!", 0)
    assert response.status_code == 400 and "media" in response.data
    result = ok(api.get(url, HTTP_ACCEPT="application/json"))
    assert result["status"] == "failed" and result["error"] and result["file"] is None
    assert not File.objects.exists() and list(upload_dir.iterdir()) == []


def test_terminating_deletes_the_upload_and_its_bytes(api, project, upload_dir):
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    patch(api, url, b"x" * 5, 0)
    assert api.delete(url, **TUS).status_code == 204
    assert not Upload.objects.exists() and list(upload_dir.iterdir()) == []
    assert api.head(url, **TUS).status_code == 404


def test_unfinished_uploads_expire_and_are_cleaned(api, project, upload_dir):
    url = create(api, 10, filename="a.mp4", project=project["id"])["Location"]
    kept = create(api, 10, filename="b.mp4", project=project["id"])["Location"]
    Upload.objects.filter(pk=int(url.rstrip("/").rsplit("/", 1)[1])).update(expires=timezone.now() - timedelta(seconds=1))
    assert uploads_expire() == 1
    assert api.head(url, **TUS).status_code == 404 and api.head(kept, **TUS).status_code == 200
    assert len(list(upload_dir.iterdir())) == 1
    Upload.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert api.head(kept, **TUS).status_code == 410  # expired, even before the sweeper came by


def test_the_job_sweeper_cleans_expired_uploads():
    from config.jobs.registry import housekeeping_tasks

    assert housekeeping_tasks()["expired uploads"] is uploads_expire
