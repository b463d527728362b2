"""/files/<id>/storage/, /exports/<id>/storage/, /projects/<id>/storage/ with backend local, cloud or json."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from exports.models import Export
from tests.factories import create_project, ok, upload_file

pytestmark = pytest.mark.django_db


def stored_output(user, project: dict, size: int) -> Export:
    """A completed export whose output is stored, as a worker would leave it."""
    name = default_storage.save(f"output/{project['id']}/output-{project['id']}.mp4", ContentFile(b"\1" * size))
    return Export.objects.create(owner=user, project_id=project["id"], output=name, status="completed",
                                 progress=100.0, json={"file_size": size})


def test_a_files_storage_is_its_size_by_every_backend(api, storage, video_path):
    project = create_project(api)
    file = upload_file(api, project, video_path)
    size = video_path.stat().st_size
    assert f"http://testserver/files/{file['id']}/storage/" in file["actions"]
    assert ok(api.get(f"/files/{file['id']}/storage/")) == {"backend": "local", "storage": size}
    assert ok(api.post(f"/files/{file['id']}/storage/", {"backend": "json"}, format="json")) == \
        {"backend": "json", "storage": size}
    cloud = api.get(f"/files/{file['id']}/storage/?backend=cloud")
    if storage.kind == "local":
        assert cloud.status_code == 400 and "MEDIA_STORAGE is local" in str(cloud.data)
    else:
        assert ok(cloud) == {"backend": "cloud", "storage": size}


@pytest.mark.parametrize("backend", ["disk", "a\\ud800"])
def test_an_unknown_backend_is_a_400_that_names_the_choices(api, image_path, backend):
    file = upload_file(api, create_project(api), image_path)
    body = '{"backend": "%s"}' % backend  # sent raw: the test client cannot encode a lone surrogate
    response = api.post(f"/files/{file['id']}/storage/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.data["backend"] == ["Use one of: local, cloud, json."]


@pytest.mark.parametrize("storage", ["s3", "azure"], indirect=True)
def test_cloud_counts_everything_in_the_same_storage_folder(api, storage, video_path, image_path):
    project = create_project(api)
    file = upload_file(api, project, video_path)
    default_storage.save(f"files/{project['id']}/uploaded-by-another-app.bin", ContentFile(b"x" * 1000))
    size = video_path.stat().st_size
    assert ok(api.get(f"/files/{file['id']}/storage/?backend=cloud"))["storage"] == size + 1000
    assert ok(api.get(f"/files/{file['id']}/storage/?backend=local"))["storage"] == size


def test_a_projects_storage_adds_its_files_and_export_outputs(api, user, storage, video_path, image_path):
    project = create_project(api)
    upload_file(api, project, video_path)
    upload_file(api, project, image_path)
    export = stored_output(user, project, 5000)
    expected = video_path.stat().st_size + image_path.stat().st_size + 5000
    assert f"http://testserver/projects/{project['id']}/storage/" in ok(api.get(project["url"]))["actions"]
    for backend in ("local", "json") + (("cloud",) if storage.kind != "local" else ()):
        assert ok(api.get(f"/projects/{project['id']}/storage/?backend={backend}")) == \
            {"backend": backend, "storage": expected}
    other = create_project(api)
    assert ok(api.post(f"/projects/{other['id']}/storage/", {"backend": "local"}))["storage"] == 0
    assert ok(api.get(f"/exports/{export.pk}/storage/")) == {"backend": "local", "storage": 5000}


def test_an_export_without_output_uses_nothing(api, user):
    project = create_project(api)
    export = Export.objects.create(owner=user, project_id=project["id"])
    data = ok(api.get(f"/exports/{export.pk}/"))
    assert f"http://testserver/exports/{export.pk}/storage/" in data["actions"]
    assert ok(api.get(f"/exports/{export.pk}/storage/?backend=json"))["storage"] == 0


def test_missing_media_counts_nothing_locally_but_json_remembers(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    default_storage.delete(file["json"]["path"])
    assert ok(api.get(f"/files/{file['id']}/storage/"))["storage"] == 0
    assert ok(api.get(f"/files/{file['id']}/storage/?backend=json"))["storage"] == video_path.stat().st_size


def test_an_unknown_backend_is_a_400(api, video_path):
    file = upload_file(api, create_project(api), video_path)
    for response in (api.get(f"/files/{file['id']}/storage/?backend=disk"),
                     api.post(f"/files/{file['id']}/storage/", {"backend": "s3"}, format="json"),
                     api.post(f"/files/{file['id']}/storage/", {"backend": ["local"]}, format="json")):
        assert response.status_code == 400 and "backend" in response.data


def test_storage_of_anothers_objects_is_a_404(api, other_api, user, video_path):
    project = create_project(api)
    file = upload_file(api, project, video_path)
    export = stored_output(user, project, 10)
    for url in (f"/files/{file['id']}/storage/", f"/projects/{project['id']}/storage/", f"/exports/{export.pk}/storage/"):
        assert other_api.get(url).status_code == 404
