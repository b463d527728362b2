"""One ingest path: every way a File comes to exist is probed once and announced once, after commit.

`file_ingested` (media_assets.hooks) is what the previews and
transcriptions subscribe to; these tests subscribe a recorder and count
the real probe's calls with a wrapper around it.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from media_assets import ingest
from media_assets.hooks import IngestOrigin, off_file_ingested, on_file_ingested
from media_assets.ingest import file_ingest
from media_assets.models import File
from tests.factories import create_clip, create_project, ok, upload_file
from tests.media_assets.catalog.helpers import create_catalog
from tests.storage.conftest import import_server, import_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


class Recorder:
    """A file_ingested subscriber that remembers what it was told."""

    def __init__(self):
        self.calls: list[tuple[int, str]] = []

    def __call__(self, file, *, origin):
        assert File.objects.filter(pk=file.pk).exists()
        self.calls.append((file.pk, origin))

    def origins(self) -> list[str]:
        return [origin for _pk, origin in self.calls]


@pytest.fixture
def announced():
    recorder = Recorder()
    on_file_ingested(recorder)
    yield recorder
    off_file_ingested(recorder)


@pytest.fixture
def probes(monkeypatch):
    """How many times the real probe ran (it is called, not replaced)."""
    calls = []
    real = ingest.probe_media

    def counting(path, **kwargs):
        calls.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(ingest, "probe_media", counting)
    return calls


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs what was queued for after commit when the block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- each path announces once, after commit ------------------------------------------------------


def test_an_upload_is_probed_once_and_announced_after_commit(api, video_path, announced, probes, commit):
    project = create_project(api)
    with commit():
        file = upload_file(api, project, video_path)
        assert announced.calls == []  # not before the commit
    assert announced.calls == [(file["id"], IngestOrigin.UPLOAD)]
    assert len(probes) == 1


def test_a_url_import_is_probed_once_and_announced_after_commit(api, import_url, announced, probes, commit):  # noqa: F811
    project = create_project(api)
    with commit():
        response = api.post("/files/", {"project": project["url"], "json": json.dumps({"url": import_url("/media/clip.mp4")})})
        file = ok(response, 201)
        assert announced.calls == []
    assert announced.calls == [(file["id"], IngestOrigin.IMPORT)]
    assert len(probes) == 1


def test_a_catalog_asset_made_with_media_is_probed_once(api, video_path, announced, probes, commit):
    catalog = create_catalog(api)
    with commit(), open(video_path, "rb") as handle:
        asset = ok(api.post(f"/catalogs/{catalog['id']}/assets/", {"media": handle}, format="multipart"), 201)
        assert announced.calls == []
    assert announced.calls == [(asset["source_media"]["id"], IngestOrigin.UPLOAD)]
    assert len(probes) == 1  # the serializer's probe is the one the file is recorded with


def test_a_catalog_asset_imported_from_a_url_is_announced(api, import_url, announced, probes, commit):  # noqa: F811
    catalog = create_catalog(api)
    body = {"import_from": {"url": import_url("/media/still.png")}}
    with commit():
        asset = ok(api.post(f"/catalogs/{catalog['id']}/assets/", body, format="json"), 201)
    assert announced.calls == [(asset["source_media"]["id"], IngestOrigin.IMPORT)]
    assert len(probes) == 1


def test_a_title_is_probed_once_and_announced(api, announced, probes, commit):
    project = create_project(api)
    with commit():
        title = ok(api.post(f"/projects/{project['id']}/title/", {"text": "Hello"}, format="json"), 201)
    assert announced.calls == [(title["id"], IngestOrigin.TITLE)]
    assert len(probes) == 1


def test_a_copy_is_announced_and_carries_its_originals_probe(api, video_path, announced, probes, commit):
    project = create_project(api)
    original = upload_file(api, project, video_path)
    del probes[:]
    with commit():
        copy = ok(api.post(f"/files/{original['id']}/copy/", {"name": "Copy.mp4"}, format="json"), 201)
        assert announced.calls == []
    assert announced.calls == [(copy["id"], IngestOrigin.COPY)]
    assert probes == []  # the same bytes: the original's probe goes with them
    assert {key: copy["json"][key] for key in ingest.PROBE_KEYS if key in original["json"]} == \
        {key: original["json"][key] for key in ingest.PROBE_KEYS if key in original["json"]}


def test_a_project_copy_announces_each_copied_file(api, video_path, image_path, announced, commit):
    project = create_project(api)
    upload_file(api, project, video_path)
    upload_file(api, project, image_path)
    with commit():
        copy = ok(api.post(f"/projects/{project['id']}/copy/", {"name": "Again"}, format="json"), 201)
    copied = sorted(File.objects.filter(project_id=copy["id"]).values_list("pk", flat=True))
    assert sorted(announced.calls) == [(pk, IngestOrigin.COPY) for pk in copied]


def _archive(api, project) -> SimpleUploadedFile:
    response = api.get(f"/projects/{project['id']}/download/")
    assert response.status_code == 200, response.content[:500]
    return SimpleUploadedFile("project.zip", b"".join(response.streaming_content), content_type="application/zip")


def test_a_project_load_probes_each_archive_entry_once_and_announces_it(api, video_path, image_path, announced,
                                                                        probes, commit):
    source = create_project(api, name="Source")
    create_clip(api, source, upload_file(api, source, video_path))
    create_clip(api, source, upload_file(api, source, image_path))
    archive = _archive(api, source)
    fresh = create_project(api, name="Fresh")
    del probes[:], announced.calls[:]
    with commit():
        ok(api.post(f"/projects/{fresh['id']}/load/", {"archive": archive}, format="multipart"))
        assert announced.calls == []
    loaded = sorted(File.objects.filter(project_id=fresh["id"]).values_list("pk", flat=True))
    assert len(loaded) == 2
    assert sorted(announced.calls) == [(pk, IngestOrigin.LOAD) for pk in loaded]
    assert len(probes) == 2


def test_a_project_load_of_stored_files_announces_the_copies(api, video_path, announced, probes, commit):
    source = create_project(api, name="Source")
    create_clip(api, source, upload_file(api, source, video_path))
    osp = ok(api.get(f"/projects/{source['id']}/json/"))
    target = create_project(api, name="Target")
    del probes[:], announced.calls[:]
    with commit():
        ok(api.post(f"/projects/{target['id']}/load/", {"json": osp}, format="json"))
    (loaded,) = File.objects.filter(project_id=target["id"]).values_list("pk", flat=True)
    assert announced.calls == [(loaded, IngestOrigin.COPY)]
    assert probes == []


# --- nothing is announced for what does not commit ------------------------------------------------


def test_nothing_is_announced_when_the_transaction_rolls_back(user, video_path, announced, commit):
    with commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            with open(video_path, "rb") as handle:
                file_ingest(source=SimpleUploadedFile("clip.mp4", handle.read()), owner=user)
            raise RuntimeError("the surrounding work failed")
    assert announced.calls == []
    assert File.objects.count() == 0


def test_a_refused_load_announces_nothing(api, video_path, announced, commit):
    project = create_project(api)
    create_clip(api, project, upload_file(api, project, video_path))
    osp = ok(api.get(f"/projects/{project['id']}/json/"))
    osp["files"][0]["path"] = "media/notes.mp4"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.osp", json.dumps(osp))
        archive.writestr("media/notes.mp4", b"just text, not a video" * 10)
    upload = SimpleUploadedFile("bad.zip", buffer.getvalue(), content_type="application/zip")
    del announced.calls[:]
    with commit():
        response = api.post(f"/projects/{project['id']}/load/", {"archive": upload}, format="multipart")
    assert response.status_code == 400, response.data
    assert announced.calls == []


def test_not_media_is_refused_before_anything_is_stored_or_announced(api, tmp_path, announced, commit, isolated_media):
    project = create_project(api)
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    with commit(), open(junk, "rb") as handle:
        response = api.post("/files/", {"media": handle, "project": project["url"]}, format="multipart")
    assert response.status_code == 400 and "media" in response.data
    assert announced.calls == [] and not list(isolated_media.rglob("junk*"))


# --- the hook itself --------------------------------------------------------------------------------


def test_a_failing_callback_is_logged_and_breaks_neither_the_ingest_nor_the_others(api, video_path, announced,
                                                                                    commit, caplog):
    def broken(file, *, origin):
        raise ValueError("the previews are down")

    on_file_ingested(broken)
    later = Recorder()
    on_file_ingested(later)
    try:
        project = create_project(api)
        with caplog.at_level(logging.ERROR, logger="montage.media"), commit():
            file = upload_file(api, project, video_path)
    finally:
        off_file_ingested(broken)
        off_file_ingested(later)
    assert announced.calls == later.calls == [(file["id"], IngestOrigin.UPLOAD)]
    assert File.objects.filter(pk=file["id"]).exists()
    failure = next(record for record in caplog.records if "file_ingested callback" in record.getMessage())
    assert f"file {file['id']}" in failure.getMessage() and "broken" in failure.getMessage()
    assert failure.exc_info is not None


def test_subscribing_twice_is_one_subscription(user, image_path, announced, commit):
    on_file_ingested(announced)
    with commit():
        file_ingest(source=SimpleUploadedFile("still.png", image_path.read_bytes()), owner=user)
    assert len(announced.calls) == 1


def test_stored_bytes_without_a_probe_are_probed_once_from_storage(api, user, video_path, announced, probes, commit):
    project = create_project(api)
    original = File.objects.get(pk=upload_file(api, project, video_path)["id"])
    del probes[:], announced.calls[:]
    with commit():
        copy = file_ingest(source=ingest.StoredMedia(original.media.name), owner=user, name="again.mp4",
                           origin=IngestOrigin.COPY)
    assert len(probes) == 1 and copy.json["media_type"] == "video" and copy.media.name.endswith("again.mp4")
    assert copy.media.name != original.media.name
    assert announced.calls == [(copy.pk, IngestOrigin.COPY)]
