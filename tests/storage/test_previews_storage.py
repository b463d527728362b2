"""Previews made and served on each media storage: the local disk, S3 (moto) and Azure (Azurite)."""

from __future__ import annotations

import json

from django.core.files.storage import default_storage

from media_assets.previews.models import Rendition
from tests.factories import create_project, upload_file
from tests.previews.conftest import by_kind, quiet_broker, wait_for_previews, worker  # noqa: F401 - fixtures
from tests.storage.test_media_storage import download


def test_previews_are_made_stored_and_served_on_each_storage(api, storage, worker, video_path, settings):  # noqa: F811
    settings.MEDIA_DOWNLOAD_REDIRECT = True
    settings.PREVIEWS_ON_INGEST = True
    project = create_project(api)
    file = upload_file(api, project, video_path)
    done = wait_for_previews(api, file["previews"])
    assert done["status"] == "ready", done
    kinds = by_kind(done)
    for kind in ("proxy", "thumbnail-large", "waveform"):
        stored = Rendition.objects.get(file_id=file["id"], kind=kind).storage_name
        assert stored.startswith(f"files/{project['id']}/previews/{file['id']}/") and default_storage.exists(stored)
    response = api.get(kinds["proxy"]["url"])
    assert response.status_code == (200 if storage.kind == "local" else 302)
    status, body, headers = download(api, kinds["proxy"]["url"], HTTP_RANGE="bytes=0-99")
    assert status == 206 and len(body) == 100
    status, body, _ = download(api, kinds["waveform"]["url"])
    assert status == 200 and json.loads(body)["version"] == 2
    names = list(Rendition.objects.filter(file_id=file["id"]).values_list("storage_name", flat=True))
    assert api.delete(file["url"]).status_code == 204
    assert not any(default_storage.exists(name) for name in names)
