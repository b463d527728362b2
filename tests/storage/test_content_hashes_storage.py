"""Content hashes on every media storage (local, S3, Azure): hashed as the bytes arrive or as the storage reads them."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files import File as DjangoFile

from media_assets.ingest import file_ingest
from tests.factories import create_project, ok, upload_file

pytestmark = pytest.mark.django_db


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_uploads_copies_imports_and_plain_sources_are_hashed(api, user, storage, import_url, video_path, image_path):
    project = create_project(api)
    uploaded = upload_file(api, project, video_path)
    assert uploaded["sha256"] == digest(video_path.read_bytes())
    copy = ok(api.post(f"/files/{uploaded['id']}/copy/", {}, format="json"), 201)
    assert copy["sha256"] == uploaded["sha256"]
    imported = ok(api.post("/files/", {"project": project["url"], "json": {"url": import_url("/media/clip.mp4")}},
                           format="json"), 201)
    assert imported["sha256"] == uploaded["sha256"]
    with open(image_path, "rb") as handle:  # no hash of its own: the storage's read hashes it
        file = file_ingest(source=DjangoFile(handle, name="still.png"), owner=user)
    assert file.sha256 == digest(storage.read(file.media.name)) == digest(image_path.read_bytes())
