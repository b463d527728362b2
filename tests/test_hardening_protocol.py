"""Issue 12, findings 7, 9 and 12: strict ids, Range edge cases, share errors, oversized JSON.

Each of these answered a 500, resolved the wrong object or leaked a name before.
"""

import pytest
from django.contrib.auth.models import Group

from config.api.streaming import _INVALID, _byte_range
from tests.factories import create_project, ok, upload_file

pytestmark = pytest.mark.django_db

HOSTILE_IDS = ["+1", "1%20", "%201", "01%20", "%D9%A3", "%C2%B2", "9" * 5000, "abc", "null", "-1", "1e3"]
METHODS = ["get", "put", "patch", "delete"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("raw_id", HOSTILE_IDS)
def test_hostile_ids_name_nothing_on_every_method(api, method, raw_id):
    project = create_project(api)
    response = getattr(api, method)(f"/projects/{raw_id}/", {"name": "renamed"}, format="json")
    assert response.status_code == 404, (raw_id, response.status_code)
    assert ok(api.get(f"/projects/{project['id']}/"))["name"] == project["name"]


def test_a_padded_id_no_longer_deletes_object_one(api):
    project = create_project(api)
    assert api.delete(f"/projects/{project['id']}%20/").status_code == 404
    assert api.get(f"/projects/{project['id']}/").status_code == 200


@pytest.mark.parametrize("method", METHODS)
def test_hostile_ids_on_shared_viewsets_are_404(api, method):
    for raw_id in ["%C2%B2", "+1", "9" * 5000, "null"]:
        for collection in ("catalogs", "assets", "fields", "smart-folders"):
            response = getattr(api, method)(f"/{collection}/{raw_id}/", {}, format="json")
            assert response.status_code == 404, (collection, raw_id, response.status_code)


@pytest.mark.parametrize("header, expected", [
    ("bytes=-" + "9" * 5000, (0, 99)),
    ("bytes=" + "9" * 5000 + "-", None),
    ("bytes=10-" + "9" * 5000, (10, 99)),
    ("bytes=5-2", _INVALID),
    ("bytes=\u0663-\u0665", _INVALID),
    ("bytes=-", _INVALID),
    ("bytes=0-0", (0, 0)),
    ("bytes=100-", None),
])
def test_byte_ranges(header, expected):
    assert _byte_range(header, 100) == expected


@pytest.mark.parametrize("header, status", [
    ("bytes=-" + "9" * 5000, 206), ("bytes=" + "9" * 5000 + "-", 416), ("bytes=5-2", 200),
])
def test_hostile_ranges_on_a_download(api, video_path, header, status):
    file = upload_file(api, create_project(api), video_path)
    for url in (f"/files/{file['id']}/download/", file["media"]):
        response = api.get(url, HTTP_RANGE=header)
        assert response.status_code == status, (url, response.status_code)
        if status == 200:
            assert b"".join(response.streaming_content) == video_path.read_bytes()


@pytest.fixture
def secret_group(db):
    return Group.objects.create(name="secret-payroll-team")


@pytest.mark.parametrize("collection, body", [
    ("catalogs", {"name": "C"}), ("smart-folders", {"name": "S", "query": ""}),
])
@pytest.mark.parametrize("group", ["\u00b2", "\u0663", "9" * 5000, "+1"])
def test_share_with_a_hostile_group_id_is_a_field_error(api, collection, body, group):
    response = api.post(f"/{collection}/", {**body, "shares": [{"group": group}]}, format="json")
    assert response.status_code == 400, response.content[:300]
    assert "shares" in response.data


def test_a_share_error_never_names_a_group_you_are_not_in(api, secret_group):
    response = api.post("/catalogs/", {"name": "C", "shares": [{"group": str(secret_group.pk)}]}, format="json")
    assert response.status_code == 400
    assert "secret-payroll-team" not in response.content.decode()


def test_an_oversized_json_body_is_a_json_413(api):
    body = b'{"name": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    response = api.post("/projects/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "MiB" in response.json()["detail"]
