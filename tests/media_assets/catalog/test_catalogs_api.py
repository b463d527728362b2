"""/catalogs/: owned, shared with groups as viewer or editor, read-only, managed in the admin."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog

pytestmark = pytest.mark.django_db


def test_create_a_catalog(api, user):
    catalog = create_catalog(api, name="Rushes", comment="Day 1")
    assert catalog["name"] == "Rushes" and catalog["comment"] == "Day 1" and catalog["owner"] == user.username
    assert catalog["read_only"] is False and catalog["role"] == "owner" and catalog["shares"] == []
    assert catalog["assets"].endswith(f"/catalogs/{catalog['id']}/assets/")


def test_a_catalog_needs_a_name(api):
    response = api.post("/catalogs/", {"comment": "x"}, format="json")
    assert response.status_code == 400 and "name" in response.data


def test_a_non_member_neither_sees_nor_reaches_a_catalog(api, other_api, catalog):
    assert ok(other_api.get("/catalogs/"))["count"] == 0
    assert other_api.get(catalog["url"]).status_code == 404
    assert other_api.patch(catalog["url"], {"name": "mine"}, format="json").status_code == 404
    assert other_api.get(f"/catalogs/{catalog['id']}/assets/").status_code == 404
    assert other_api.post(f"/catalogs/{catalog['id']}/assets/", {"name": "x"}, format="json").status_code == 404


def test_a_viewer_reads_but_every_write_is_403(api, viewer_api, catalog):
    asset = create_asset(api, catalog, name="Take 1")
    listed = ok(viewer_api.get("/catalogs/"))["results"]
    assert [(item["id"], item["role"]) for item in listed] == [(catalog["id"], "viewer")]
    assert ok(viewer_api.get(asset["url"]))["name"] == "Take 1"
    for response in (
        viewer_api.patch(catalog["url"], {"name": "x"}, format="json"),
        viewer_api.delete(catalog["url"]),
        viewer_api.post("/assets/", {"catalog": catalog["id"], "name": "x"}, format="json"),
        viewer_api.post(f"/catalogs/{catalog['id']}/assets/", {"name": "x"}, format="json"),
        viewer_api.patch(asset["url"], {"status": "x"}, format="json"),
        viewer_api.delete(asset["url"]),
        viewer_api.post(f"{asset['url']}markers/", {"name": "m", "in": 0}, format="json"),
    ):
        assert response.status_code == 403, response.data
        assert "viewer" in str(response.data["detail"])


def test_an_editor_changes_the_contents_but_not_the_catalog(api, editor_api, catalog):
    asset = create_asset(editor_api, catalog, name="By bob")
    assert asset["created_by"] == "bob"
    assert ok(editor_api.patch(asset["url"], {"status": "Logged"}, format="json"))["status"] == "Logged"
    response = editor_api.patch(catalog["url"], {"name": "Bob's"}, format="json")
    assert response.status_code == 403 and "owner" in str(response.data["detail"])
    assert editor_api.delete(catalog["url"]).status_code == 403


def test_sharing_names_groups_by_name_or_id_and_can_be_withdrawn(api, other_api, catalog, team):
    shared = ok(api.patch(catalog["url"], {"shares": [{"group": str(team.pk), "role": "editor"}]}, format="json"))
    assert shared["shares"] == [{"group": "team", "group_id": team.pk, "role": "editor"}]
    assert other_api.get(catalog["url"]).status_code == 200
    ok(api.patch(catalog["url"], {"shares": []}, format="json"))
    assert other_api.get(catalog["url"]).status_code == 404


@pytest.mark.parametrize("shares, message", [
    ([{"group": "nobody"}], "No group"),
    ([{"group": "team", "role": "boss"}], "not a valid choice"),
    ("team", "list"),
    ([{"group": "team"}, {"group": "team"}], "twice"),
])
def test_bad_shares_are_a_400(api, catalog, team, shares, message):
    response = api.patch(catalog["url"], {"shares": shares}, format="json")
    assert response.status_code == 400 and message in str(response.data["shares"])


def test_you_share_only_with_your_own_groups(api, catalog):
    Group.objects.create(name="strangers")
    response = api.patch(catalog["url"], {"shares": [{"group": "strangers"}]}, format="json")
    assert response.status_code == 400 and "belong to" in str(response.data)


def test_a_read_only_catalog_refuses_changes_to_its_contents_even_from_its_owner(api, catalog):
    asset = create_asset(api, catalog)
    ok(api.patch(catalog["url"], {"read_only": True}, format="json"))
    for response in (
        api.patch(asset["url"], {"notes": "x"}, format="json"),
        api.post("/assets/", {"catalog": catalog["id"], "name": "new"}, format="json"),
        api.post(f"{asset['url']}markers/", {"name": "m", "in": 0}, format="json"),
        api.delete(asset["url"]),
    ):
        assert response.status_code == 403 and "read-only" in str(response.data["detail"])
    assert ok(api.patch(catalog["url"], {"read_only": False}, format="json"))["read_only"] is False


def test_deleting_a_catalog_deletes_its_assets(api, catalog):
    asset = create_asset(api, catalog)
    assert api.delete(catalog["url"]).status_code == 204
    assert api.get(asset["url"]).status_code == 404


def test_skip_and_take_page_catalogs_in_the_usual_envelope(api):
    for index in range(5):
        create_catalog(api, name=f"C{index}")
    page = ok(api.get("/catalogs/?skip=1&take=2"))
    assert page["count"] == 5 and [item["name"] for item in page["results"]] == ["C1", "C2"]
    assert "skip=3" in page["next"] and "take=2" in page["next"] and "skip=0" in page["previous"]
    for params, name in (("skip=-1", "skip"), ("take=0", "take"), ("take=abc", "take"), ("take=1000", "take")):
        response = api.get(f"/catalogs/?{params}")
        assert response.status_code == 400 and name in response.data


def test_catalog_history_records_who_changed_what(api, catalog, team):
    ok(api.patch(catalog["url"], {"name": "Rushes day 1", "shares": [{"group": "team", "role": "viewer"}]}, format="json"))
    entries = ok(api.get(f"{catalog['url']}history/"))["results"]
    assert [(entry["object"], entry["action"]) for entry in entries] == [
        ("share", "created"), ("catalog", "changed"), ("catalog", "created")]
    change = entries[1]
    assert change["user"] == "alice"
    assert {"field": "name", "old": "Rushes", "new": "Rushes day 1"} in change["changes"]
