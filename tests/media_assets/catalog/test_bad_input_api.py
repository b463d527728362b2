"""Bad input of any kind is a 4xx naming the field and changes nothing; a client never causes a 500."""

import json

import pytest

from media_assets.catalog.models import Asset
from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, create_field, upload_asset

pytestmark = pytest.mark.django_db

HUGE_DIGITS = "9" * 5000


def unchanged(api, asset: dict) -> bool:
    return ok(api.get(asset["url"]))["version"] == asset["version"]


@pytest.mark.parametrize("value, message", [
    ("²", "not a timecode"),
    ("١٢", "not a timecode"),
    (HUGE_DIGITS, "too long"),
    ("1e400", "secs"),  # JSON that Python reads as infinity
    ({"secs": 1e300}, "24 hours"),
    ({"txt": HUGE_DIGITS}, "too long"),
])
def test_odd_timecodes_are_a_400_on_assets_markers_and_bulk(api, catalog, value, message):
    asset = create_asset(api, catalog, name="Take", fmt=25, out=250)
    as_json = '{"secs": 1e400}' if value == "1e400" else json.dumps(value)

    def send(method, url, body: str):
        return getattr(api, method)(url, body.replace("VALUE", as_json), content_type="application/json")

    response = send("patch", asset["url"], '{"in": VALUE}')
    assert response.status_code == 400 and message in str(response.data["in"]), response.data
    response = send("post", f"{asset['url']}markers/", '{"name": "m", "in": VALUE}')
    assert response.status_code == 400 and message in str(response.data["in"]), response.data
    response = send("patch", "/assets/bulk/", '{"ids": [%d], "changes": {"in": VALUE}}' % asset["id"])
    assert response.status_code == 400 and message in str(response.data["assets"]), response.data
    assert unchanged(api, asset)


@pytest.mark.parametrize("item, field", [
    ({"track": 1, "seq_in": 0, "seq_out": 30, "clip_in": 10, "clip_out": 40}, "clip"),
    ({"track": 1, "seq_out": 30, "clip": "master", "clip_in": 10, "clip_out": 40}, "seq_in"),
    ({}, "clip_out"),
])
def test_a_patched_sequence_item_missing_a_key_is_a_400_per_item(api, catalog, video_path, item, field):
    master = upload_asset(api, catalog, video_path)
    sequence = create_asset(api, catalog, name="Cut", type="seq", fmt=30, seq_items=[
        {"track": 1, "seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30}])
    item = {key: master["id"] if value == "master" else value for key, value in item.items()}
    response = api.patch(sequence["url"], {"seq_items": [item]}, format="json")
    assert response.status_code == 400, response.data
    assert "This field is required." in str(response.data["seq_items"][0][field]), response.data
    response = api.patch("/assets/bulk/", {"ids": [sequence["id"]], "changes": {"seq_items": [item]}}, format="json")
    assert response.status_code == 400 and field in str(response.data["assets"]), response.data
    assert unchanged(api, sequence)


def test_a_patched_sequence_item_without_a_track_goes_on_track_one(api, catalog, video_path):
    master = upload_asset(api, catalog, video_path)
    sequence = create_asset(api, catalog, name="Cut", type="seq", fmt=30)
    changed = ok(api.patch(sequence["url"], {"seq_items": [
        {"seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30}]}, format="json"))
    assert changed["seq_items"][0]["track"] == 1


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+01:00"])
def test_a_datetime_user_field_outside_what_utc_can_hold_is_a_400(api, staff_api, catalog, value):
    create_field(staff_api, "shot_at", "datetime")
    asset = create_asset(api, catalog)
    response = api.patch(asset["url"], {"user_fields": {"shot_at": value}}, format="json")
    assert response.status_code == 400 and "shot_at" in response.data["user_fields"], response.data
    assert unchanged(api, asset)


def test_datetime_user_fields_at_the_ends_of_time_keep_their_fixed_width(api, staff_api, catalog):
    create_field(staff_api, "shot_at", "datetime")
    asset = create_asset(api, catalog, user_fields={"shot_at": "0001-01-01T00:00:00Z"})
    assert asset["user_fields"]["shot_at"] == "0001-01-01T00:00:00Z"


@pytest.mark.parametrize("query, position", [
    ("((recordedDate)eq(9999-12-31))", 18),
    ("((recordedDate)lt(0001-01-01T00:00:00+01:00))", 18),
    ("((user.shot_at)older(100000000))", 21),
    ("((user.shot_date)newer(999999999d))", 23),
    ("((user.shot_date)eq(9999-12-31T23:00:00-05:00))", 20),
    ("((modifiedDate)older(99999999999999))", 21),
])
def test_dates_beyond_the_calendar_are_a_400_in_every_query_form(api, staff_api, catalog, query, position):
    create_field(staff_api, "shot_at", "datetime")
    create_field(staff_api, "shot_date", "date")
    response = api.get("/assets/", {"query": query})
    assert response.status_code == 400 and response.data["position"] == position, response.data
    field, op, value = query[2:-2].replace(")", "(").split("(")
    terms = [{"field": field, "op": op, "params": value}]
    response = api.post("/assets/search/", {"terms": terms}, format="json")
    assert response.status_code == 400 and "0" in response.data["terms"], response.data
    response = api.post("/smart-folders/", {"name": "Far", "terms": terms}, format="json")
    assert response.status_code == 400 and "terms" in response.data, response.data
    response = api.post("/smart-folders/", {"name": "Far", "query": query}, format="json")
    assert response.status_code == 400 and response.data["position"] == position, response.data


@pytest.mark.parametrize("params", [
    {"skip": "99999999999999999999", "take": "2"},
    {"skip": "²"},
    {"take": "²"},
    {"skip": "-1"},
])
def test_skip_and_take_are_bounded_whole_numbers(api, catalog, params):
    folder = ok(api.post("/smart-folders/", {"name": "All", "query": "((clip.name)has(a))"}, format="json"), 201)
    for url in ("/assets/", f"/catalogs/{catalog['id']}/assets/", folder["assets"]):
        response = api.get(url, params)
        assert response.status_code == 400 and set(response.data) & {"skip", "take"}, response.data


@pytest.mark.parametrize("body, field", [
    ({"ids": [10**30], "changes": {"status": "x"}}, "ids"),
    ({"assets": [{"id": 10**30, "status": "x"}]}, "assets"),
])
def test_bulk_ids_are_bounded(api, catalog, body, field):
    create_asset(api, catalog)
    response = api.patch("/assets/bulk/", body, format="json")
    assert response.status_code == 400 and field in response.data, response.data


@pytest.mark.parametrize("value", [10**30, "99999999999999999999999", "²"])
def test_an_odd_catalog_or_source_id_is_a_400(api, catalog, value):
    response = api.post("/assets/", {"catalog": value, "name": "x"}, format="json")
    assert response.status_code == 400 and "catalog" in response.data, response.data
    response = api.post("/assets/", {"catalog": catalog["id"], "source": value}, format="json")
    assert response.status_code == 400 and "source" in response.data, response.data
    assert not Asset.objects.exists()


def test_history_pages_with_skip_and_take(api, catalog):
    asset = create_asset(api, catalog, name="v1")
    for name in ("v2", "v3"):
        ok(api.patch(asset["url"], {"name": name}, format="json"))
    page = ok(api.get(f"{asset['url']}history/", {"take": 2}))
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    page = ok(api.get(f"{asset['url']}history/", {"skip": 1}))
    assert [entry["action"] for entry in page["results"]] == ["changed", "created"]
    page = ok(api.get(f"/catalogs/{catalog['id']}/history/", {"skip": 0, "take": 1}))
    assert page["count"] == 1


@pytest.mark.parametrize("query, position", [
    ("((clip.name)has(\x00))", 16), ("((clip.name)eq(a\x01b))", 15), ("((user.title)has(\x00))", 17),
])
def test_control_characters_in_query_values_are_a_400(api, staff_api, catalog, query, position):
    create_field(staff_api, "title", "text")
    create_asset(api, catalog, name="anything")
    response = api.get("/assets/", {"query": query})
    assert response.status_code == 400 and response.data["position"] == position, response.data
    response = api.post("/assets/search/", {"terms": [{"field": "clip.name", "op": "has", "params": "\x00"}]},
                        format="json")
    assert response.status_code == 400 and "control" in str(response.data["terms"]), response.data
    response = api.get("/assets/", {"name": "\x00"})
    assert response.status_code == 400 and "name" in response.data, response.data


def test_a_nul_in_a_text_user_field_is_a_400(api, staff_api, catalog):
    create_field(staff_api, "title", "text")
    asset = create_asset(api, catalog)
    response = api.patch(asset["url"], {"user_fields": {"title": "a\x00b"}}, format="json")
    assert response.status_code == 400 and "title" in response.data["user_fields"], response.data


@pytest.mark.parametrize("body", [
    {"name": "x", "terms": [{"field": "clip.name", "op": "isBlank", "params": "\x00"}]},
    {"name": "x", "query": {"name": "q", "terms": [{"field": "clip.name", "op": "isBlank", "params": "\x00"}]}},
    {"name": "x", "query": "((clip.name)isBlank(\x00))"},
])
def test_a_nul_in_a_smart_folders_query_is_a_400_even_where_the_term_ignores_it(api, body):
    response = api.post("/smart-folders/", body, format="json")
    assert response.status_code == 400 and set(response.data) & {"query", "terms"}, response.data


def test_a_field_list_scoped_to_an_odd_catalog_id_is_a_400(api):
    response = api.get("/fields/", {"catalog": "²"})
    assert response.status_code == 400 and "catalog" in response.data, response.data


@pytest.mark.parametrize("body", ["[]", '[{"name": "A"}]', '"A"', "1", "null"])
@pytest.mark.parametrize("nested", [False, True])
def test_an_asset_body_that_is_not_an_object_is_a_400(api, catalog, body, nested):
    url = f"/catalogs/{catalog['id']}/assets/" if nested else "/assets/"
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400, response.data
    assert "object" in str(response.data), response.data
    assert not Asset.objects.exists()
