"""/assets/<id>/history/: who created, changed or deleted the asset, its markers and field values."""

import pytest

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, create_field

pytestmark = pytest.mark.django_db


def test_every_change_is_recorded_with_who_and_what(api, editor_api, staff_api, catalog):
    create_field(staff_api, "genre", "choice", options=["Drama", "News"])
    asset = create_asset(api, catalog, name="Take 1", fmt=25, **{"out": 250})
    ok(editor_api.patch(asset["url"], {"status": "Logged", "in": "00:00:01:00", "user_fields": {"genre": "news"}}, format="json"))
    marker = ok(editor_api.post(f"{asset['url']}markers/", {"name": "Laugh", "in": 50}, format="json"), 201)
    ok(api.patch(marker["url"], {"name": "Big laugh"}, format="json"))
    assert api.delete(marker["url"]).status_code == 204

    entries = ok(api.get(f"{asset['url']}history/"))["results"]
    assert [(e["object"], e["action"], e["user"]) for e in entries] == [
        ("marker", "deleted", "alice"), ("marker", "changed", "alice"), ("marker", "created", "bob"),
        ("asset", "changed", "bob"), ("asset", "created", "alice"),
    ]
    changed = entries[3]["changes"]
    assert {"field": "status", "old": "", "new": "Logged"} in changed
    assert {"field": "in", "old": "00:00:00:00", "new": "00:00:01:00"} in changed
    assert {"field": "user_fields.genre", "old": None, "new": "News"} in changed
    assert entries[1]["changes"] == [{"field": "name", "old": "Laugh", "new": "Big laugh"}]
    assert "bob changed asset 'Take 1'" in entries[3]["summary"]


def test_history_is_paginated_and_follows_sharing(api, third_api, catalog):
    asset = create_asset(api, catalog)
    for status in ("a", "b", "c"):
        ok(api.patch(asset["url"], {"status": status}, format="json"))
    page = ok(api.get(f"{asset['url']}history/?page_size=2"))
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert third_api.get(f"{asset['url']}history/").status_code == 404


def test_the_admin_shows_history(client, user, catalog, api):
    from django.contrib.auth import get_user_model

    asset = create_asset(api, catalog)
    ok(api.patch(asset["url"], {"status": "x"}, format="json"))
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    client.force_login(admin)
    for path in (f"/cloud-admin/media_assets/asset/{asset['id']}/history/", "/cloud-admin/media_assets/catalog/",
                 "/cloud-admin/media_assets/asset/", "/cloud-admin/media_assets/marker/",
                 "/cloud-admin/media_assets/metadatafield/", "/cloud-admin/media_assets/smartfolder/",
                 f"/cloud-admin/media_assets/catalog/{catalog['id']}/change/", f"/cloud-admin/media_assets/asset/{asset['id']}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "alice" in client.get(f"/cloud-admin/media_assets/asset/{asset['id']}/history/").content.decode()
