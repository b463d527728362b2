"""/fields/: typed user fields defined by staff; their values on assets are validated."""

import pytest

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog, create_field

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(staff_api, catalog):
    return {
        "title": create_field(staff_api, "title", "text"),
        "summary": create_field(staff_api, "summary", "multiline"),
        "rating": create_field(staff_api, "rating", "integer"),
        "price": create_field(staff_api, "price", "decimal"),
        "shoot_day": create_field(staff_api, "shoot_day", "date"),
        "delivered": create_field(staff_api, "delivered", "datetime"),
        "approved": create_field(staff_api, "approved", "boolean"),
        "genre": create_field(staff_api, "genre", "choice", options=["Drama", "Comedy", "News"]),
        "tags": create_field(staff_api, "tags", "multichoice", options=["car", "night", "rain"]),
        "link": create_field(staff_api, "link", "url"),
        "scene": create_field(staff_api, "scene", "text", catalog=catalog["id"]),
    }


def test_values_are_stored_in_their_canonical_form(api, catalog, fields):
    asset = create_asset(api, catalog, user_fields={
        "title": "Opening", "summary": "line one\nline two", "rating": "4", "price": "12.50", "shoot_day": "2024-05-31",
        "delivered": "2024-05-31T16:00:00+02:00", "approved": True, "genre": "drama", "tags": ["rain", "CAR"],
        "link": "https://example.com/x", "scene": "12A",
    })
    assert asset["user_fields"] == {
        "title": "Opening", "summary": "line one\nline two", "rating": 4, "price": 12.5, "shoot_day": "2024-05-31",
        "delivered": "2024-05-31T14:00:00Z", "approved": True, "genre": "Drama", "tags": ["car", "rain"],
        "link": "https://example.com/x", "scene": "12A",
    }


@pytest.mark.parametrize("values, message", [
    ({"rating": "four"}, "not a whole number"),
    ({"rating": 1.5}, "whole number"),
    ({"rating": True}, "whole number"),
    ({"price": "cheap"}, "not a number"),
    ({"price": "NaN"}, "finite"),
    ({"shoot_day": "31/05/2024"}, "not a date"),
    ({"delivered": "tomorrow"}, "not a date and time"),
    ({"approved": "yes please"}, "true or false"),
    ({"genre": "Horror"}, "not an option; choose one of: Drama, Comedy, News"),
    ({"tags": ["car", "snow"]}, "'snow' is not an option"),
    ({"tags": {"car": 1}}, "list of options"),
    ({"link": "ftp://example.com"}, "http(s) URL"),
    ({"title": "two\nlines"}, "one line"),
    ({"title": 5}, "expected text"),
    ({"nonsense": 1}, "No field 'nonsense'"),
])
def test_a_bad_value_is_a_400_naming_the_field(api, catalog, fields, values, message):
    response = api.post("/assets/", {"catalog": catalog["id"], "name": "x", "user_fields": values}, format="json")
    assert response.status_code == 400, response.data
    (identifier,) = values
    assert message in str(response.data["user_fields"][identifier]), response.data


def test_a_catalogs_fields_exist_only_in_that_catalog(api, catalog, fields):
    elsewhere = create_catalog(api, name="Elsewhere")
    response = api.post("/assets/", {"catalog": elsewhere["id"], "name": "x", "user_fields": {"scene": "1"}}, format="json")
    assert response.status_code == 400 and "No field 'scene'" in str(response.data["user_fields"]["scene"])


def test_patch_merges_values_and_null_removes_one(api, catalog, fields):
    asset = create_asset(api, catalog, user_fields={"title": "A", "rating": 3})
    changed = ok(api.patch(asset["url"], {"user_fields": {"rating": 5, "title": None}}, format="json"))
    assert changed["user_fields"] == {"rating": 5}


def test_only_staff_define_fields(api, catalog):
    response = api.post("/fields/", {"identifier": "mine", "name": "Mine", "type": "text"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("body, field, message", [
    ({"identifier": "Bad Name", "type": "text"}, "identifier", "not an identifier"),
    ({"identifier": "genre2", "type": "choice"}, "options", "needs options"),
    ({"identifier": "genre2", "type": "choice", "options": ["a", "A"]}, "options", "must differ"),
    ({"identifier": "count", "type": "integer", "options": ["1"]}, "options", "Only picklists"),
    ({"identifier": "x", "type": "colour"}, "type", "not a valid choice"),
    ({"identifier": "title", "type": "text"}, "identifier", "exists"),
])
def test_bad_field_definitions_are_a_400(staff_api, fields, body, field, message):
    response = staff_api.post("/fields/", {"name": "X", **body}, format="json")
    assert response.status_code == 400 and message in str(response.data[field]), response.data


def test_a_catalog_field_cannot_shadow_a_global_one(staff_api, catalog, fields):
    response = staff_api.post("/fields/", {"identifier": "title", "name": "T", "type": "text", "catalog": catalog["id"]},
                              format="json")
    assert response.status_code == 400 and "exists" in str(response.data["identifier"])


def test_everyone_sees_global_fields_and_those_of_their_catalogs(api, third_api, catalog, fields):
    mine = {field["identifier"] for field in ok(api.get("/fields/?page_size=100"))["results"]}
    theirs = {field["identifier"] for field in ok(third_api.get("/fields/?page_size=100"))["results"]}
    assert "scene" in mine and "scene" not in theirs and "genre" in theirs
    assert {field["identifier"] for field in ok(api.get("/fields/?catalog=global&page_size=100"))["results"]} == theirs


def test_a_field_in_use_keeps_its_type_options_and_existence(staff_api, api, catalog, fields):
    create_asset(api, catalog, user_fields={"genre": "News"})
    genre = fields["genre"]
    assert "type cannot change" in str(staff_api.patch(genre["url"], {"type": "text", "options": []}, format="json").data)
    response = staff_api.patch(genre["url"], {"options": ["Drama", "Comedy"]}, format="json")
    assert response.status_code == 400 and "'News'" in str(response.data["options"])
    assert ok(staff_api.patch(genre["url"], {"options": ["Drama", "Comedy", "News", "Sport"]}, format="json"))
    response = staff_api.delete(genre["url"])
    assert response.status_code == 409 and "clear them first" in str(response.data["detail"])
    assert staff_api.delete(fields["link"]["url"]).status_code == 204
    assert staff_api.patch(genre["url"], {"identifier": "kind"}, format="json").status_code == 400


@pytest.mark.parametrize("identifier", ["name", "status", "in", "duration", "recorded_date", "catalog"])
def test_a_user_field_cannot_take_a_built_in_fields_name(staff_api, identifier):
    response = staff_api.post("/fields/", {"identifier": identifier, "name": "X", "type": "text"}, format="json")
    assert response.status_code == 400 and "built-in" in str(response.data["identifier"]), response.data


def test_a_used_picklist_cannot_become_text_and_an_unused_one_can(staff_api, api, catalog, fields):
    create_asset(api, catalog, user_fields={"genre": "News"})
    response = staff_api.patch(fields["genre"]["url"], {"type": "text"}, format="json")
    assert response.status_code == 400 and "in use keeps its type" in str(response.data["type"]), response.data
    changed = ok(staff_api.patch(fields["tags"]["url"], {"type": "text"}, format="json"))
    assert changed["type"] == "text" and changed["options"] == []
