"""/smart-folders/: saved queries whose assets are whatever matches now; shared like catalogs."""

import pytest

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog

pytestmark = pytest.mark.django_db


def test_a_smart_folder_lists_what_matches_at_the_time_of_the_request(api, catalog):
    folder = ok(api.post("/smart-folders/", {"name": "Cars", "query": "((clip.name)has(car))"}, format="json"), 201)
    assert ok(api.get(folder["assets"]))["count"] == 0
    create_asset(api, catalog, name="Red car")
    create_asset(api, catalog, name="Boat")
    assert [asset["name"] for asset in ok(api.get(folder["assets"]))["results"]] == ["Red car"]


def test_the_structured_form_and_a_catalog_scope(api, catalog):
    elsewhere = create_catalog(api, name="Elsewhere")
    create_asset(api, catalog, name="car 1", status="New")
    create_asset(api, elsewhere, name="car 2", status="New")
    folder = ok(api.post("/smart-folders/", {"name": "New here", "catalog": catalog["id"], "terms": [
        {"field": "clip.status", "op": "eq", "params": "new"}]}, format="json"), 201)
    assert [asset["name"] for asset in ok(api.get(folder["assets"]))["results"]] == ["car 1"]
    narrowed = ok(api.get(folder["assets"], {"query": "((clip.name)has(2))"}))
    assert narrowed["count"] == 0


@pytest.mark.parametrize("body, field", [
    ({"name": "x", "query": "((clip.name)has(car)"}, "query"),
    ({"name": "x", "terms": [{"field": "clip.name", "op": "nope", "params": "x"}]}, "terms"),
    ({"name": "x"}, "query"),
    ({"name": "x", "query": "((clip.name)has(car))", "terms": [{"field": "clip.name", "op": "eq", "params": "x"}]}, "query"),
])
def test_a_folder_with_a_bad_query_is_a_400(api, body, field):
    response = api.post("/smart-folders/", body, format="json")
    assert response.status_code == 400 and field in response.data, response.data


def test_folders_are_shared_like_catalogs(api, other_api, third_api, catalog, team):
    create_asset(api, catalog, name="car")
    folder = ok(api.post("/smart-folders/", {"name": "Cars", "query": "((clip.name)has(car))",
                                             "shares": [{"group": "team", "role": "viewer"}]}, format="json"), 201)
    assert third_api.get(folder["url"]).status_code == 404
    assert third_api.get(folder["assets"]).status_code == 404
    assert ok(other_api.get(folder["url"]))["role"] == "viewer"
    assert other_api.patch(folder["url"], {"name": "mine"}, format="json").status_code == 403
    # bob sees the folder, but only the assets of catalogs he can read: none yet
    assert ok(other_api.get(folder["assets"]))["count"] == 0
    ok(api.patch(catalog["url"], {"shares": [{"group": "team", "role": "viewer"}]}, format="json"))
    assert ok(other_api.get(folder["assets"]))["count"] == 1


def test_an_editor_changes_the_query_but_only_the_owner_shares_or_deletes(api, other_api, team):
    folder = ok(api.post("/smart-folders/", {"name": "Cars", "query": "((clip.name)has(car))",
                                             "shares": [{"group": "team", "role": "editor"}]}, format="json"), 201)
    assert ok(other_api.patch(folder["url"], {"query": "((clip.name)has(bus))"}, format="json"))["query"] == "((clip.name)has(bus))"
    assert other_api.patch(folder["url"], {"shares": []}, format="json").status_code == 403
    assert other_api.delete(folder["url"]).status_code == 403
    assert api.delete(folder["url"]).status_code == 204


def test_a_folder_takes_catdvs_query_definition_object(api, catalog):
    create_asset(api, catalog, name="Red car")
    create_asset(api, catalog, name="Boat")
    folder = ok(api.post("/smart-folders/", {"name": "Cars2", "query": {"name": "q", "terms": [
        {"field": "clip.name", "op": "has", "params": "car"}]}}, format="json"), 201)
    assert folder["terms"] == [{"field": "clip.name", "op": "has", "params": "car"}] and folder["query"] == ""
    assert [asset["name"] for asset in ok(api.get(folder["assets"]))["results"]] == ["Red car"]
    changed = ok(api.patch(folder["url"], {"query": "((clip.name)has(boat))"}, format="json"))
    assert changed["terms"] == [] and [asset["name"] for asset in ok(api.get(folder["assets"]))["results"]] == ["Boat"]


@pytest.mark.parametrize("query", [{"name": "q"}, {"terms": [], "sort": 1}, 12, ["((clip.name)has(car))"]])
def test_a_malformed_query_definition_is_a_400(api, query):
    response = api.post("/smart-folders/", {"name": "x", "query": query}, format="json")
    assert response.status_code == 400 and "query" in response.data, response.data


def test_folder_query_errors_have_the_shape_of_asset_query_errors(api):
    response = api.post("/smart-folders/", {"name": "x", "query": "((clip.name)has(car)"}, format="json")
    assert response.status_code == 400 and response.data["position"] == 20, response.data
    assert "At position 20" in str(response.data["query"])
    terms = [{"field": "clip.name", "op": "has", "params": "x"}, {"field": "clip.name", "op": "gt", "params": "x"}]
    folder = api.post("/smart-folders/", {"name": "x", "terms": terms}, format="json").data
    search = api.post("/assets/search/", {"terms": terms}, format="json").data
    assert folder == search and "does not apply" in str(folder["terms"]["1"]["op"]), folder
    response = api.post("/smart-folders/", {"name": "x", "query": {"terms": terms}}, format="json")
    assert response.data == search, response.data
