"""Content hashes: a File's SHA-256 from every way bytes arrive, `?sha256=` filters, duplicates and dedupe."""

from __future__ import annotations

import hashlib

import pytest

from media_assets.catalog.models import Asset
from media_assets.hashing import HashingReader
from media_assets.models import File
from tests.factories import create_project, ok, upload_file
from tests.media_assets.catalog.helpers import create_catalog, upload_asset


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(api):
    return create_project(api, name="Hashes")


@pytest.mark.parametrize("in_memory", [True, False], ids=["small upload", "upload via temporary file"])
def test_an_upload_is_hashed_as_it_arrives(api, project, video_path, settings, in_memory):
    if not in_memory:
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    file = upload_file(api, project, video_path)
    assert file["sha256"] == sha256_of(video_path) == File.objects.get().sha256


def test_imports_and_copies_are_hashed(api, project, video_path, settings):
    settings.MEDIA_IMPORT_ROOT = str(video_path.parent)
    imported = ok(api.post("/files/", {"project": project["url"], "json": {"url": str(video_path)}}, format="json"), 201)
    assert imported["sha256"] == sha256_of(video_path)
    copy = ok(api.post(f"/files/{imported['id']}/copy/", {}, format="json"), 201)
    assert copy["sha256"] == imported["sha256"] and copy["id"] != imported["id"]


def test_a_source_without_a_hash_is_hashed_by_the_read_that_stores_it(user, video_path):
    from django.core.files import File as DjangoFile

    from media_assets.ingest import file_ingest

    with open(video_path, "rb") as handle:
        file = file_ingest(source=DjangoFile(handle, name="clip.mp4"), owner=user)
    assert file.sha256 == sha256_of(video_path)


def test_the_hashing_reader_counts_bytes_once_and_notices_a_skip(tmp_path):
    import io

    data = bytes(range(256)) * 100
    reader = HashingReader(io.BytesIO(data))
    reader.read(1000)
    reader.seek(0)
    reader.read()  # read again from the start: only the new bytes count
    assert reader.complete(len(data)) and reader.hexdigest() == hashlib.sha256(data).hexdigest()
    skipping = HashingReader(io.BytesIO(data))
    skipping.seek(10)
    skipping.read()
    assert not skipping.complete(len(data)) and skipping.hexdigest() is None


def test_files_and_assets_filter_by_sha256(api, project, video_path, image_path):
    catalog = create_catalog(api, name="Rushes")
    upload_file(api, project, video_path)
    upload_file(api, project, image_path)
    asset = upload_asset(api, catalog, image_path)
    digest = sha256_of(image_path)
    files = ok(api.get(f"/files/?sha256={digest.upper()}"))["results"]
    assert len(files) == 2 and {file["sha256"] for file in files} == {digest}
    assets = ok(api.get(f"/assets/?sha256={digest}"))["results"]
    assert [found["id"] for found in assets] == [asset["id"]] and assets[0]["sha256"] == digest
    assert ok(api.get(f"/assets/?sha256={sha256_of(video_path)}"))["results"] == []


@pytest.mark.parametrize("path", ["/files/", "/assets/"])
@pytest.mark.parametrize("value", ["abc", "g" * 64, "0" * 63, "0" * 65])
def test_a_malformed_sha256_filter_is_a_400(api, path, value):
    response = api.get(path, {"sha256": value})
    assert response.status_code == 400 and "sha256" in response.data


def test_the_same_bytes_again_in_a_catalog_name_the_first_asset(api, video_path):
    catalog = create_catalog(api, name="Rushes")
    first = upload_asset(api, catalog, video_path)
    assert first["duplicate_of"] is None
    second = upload_asset(api, catalog, video_path)
    assert second["duplicate_of"] == first["url"] and second["id"] != first["id"]
    elsewhere = upload_asset(api, create_catalog(api, name="Other"), video_path)
    assert elsewhere["duplicate_of"] is None  # another catalog: not a duplicate


@pytest.mark.parametrize("where", ["field", "query"])
def test_dedupe_answers_the_existing_asset_and_makes_nothing(api, video_path, where):
    catalog = create_catalog(api, name="Rushes")
    first = upload_asset(api, catalog, video_path)
    files, assets = File.objects.count(), Asset.objects.count()
    with open(video_path, "rb") as handle:
        if where == "field":
            response = api.post(f"/catalogs/{catalog['id']}/assets/", {"media": handle, "dedupe": "true"},
                                format="multipart")
        else:
            response = api.post(f"/catalogs/{catalog['id']}/assets/?dedupe=true", {"media": handle}, format="multipart")
    assert response.status_code == 200 and response.data["id"] == first["id"]
    assert (File.objects.count(), Asset.objects.count()) == (files, assets)


def test_dedupe_of_an_import_keeps_nothing_of_it(api, video_path, settings):
    settings.MEDIA_IMPORT_ROOT = str(video_path.parent)
    catalog = create_catalog(api, name="Rushes")
    first = upload_asset(api, catalog, video_path)
    response = api.post(f"/catalogs/{catalog['id']}/assets/",
                        {"import_from": {"url": str(video_path)}, "dedupe": True}, format="json")
    assert response.status_code == 200 and response.data["id"] == first["id"]
    assert File.objects.count() == 1 and Asset.objects.count() == 1


def test_a_dedupe_that_is_not_a_yes_or_no_is_a_400(api, video_path):
    catalog = create_catalog(api, name="Rushes")
    with open(video_path, "rb") as handle:
        response = api.post(f"/catalogs/{catalog['id']}/assets/", {"media": handle, "dedupe": "perhaps"},
                            format="multipart")
    assert response.status_code == 400 and "dedupe" in response.data
    assert not File.objects.exists()


def test_placing_an_asset_on_a_project_keeps_its_hash(api, project, video_path):
    catalog = create_catalog(api, name="Rushes")
    asset = upload_asset(api, catalog, video_path)
    clip = ok(api.post(f"{asset['url']}add-to-project/", {"project": project["id"]}, format="json"), 201)
    placed = ok(api.get(clip["file"]))
    assert placed["id"] != asset["source_media"]["id"] and placed["sha256"] == asset["sha256"]
