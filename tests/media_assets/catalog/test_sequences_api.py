"""Sequences: items cut from other assets onto tracks."""

import pytest

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, upload_asset

pytestmark = pytest.mark.django_db


@pytest.fixture
def master(api, catalog, video_path):
    return upload_asset(api, catalog, video_path, tape="A001")


def test_a_sequence_has_items_with_their_source_clips(api, catalog, master):
    sequence = create_asset(api, catalog, name="Rough cut", type="seq", fmt=30, seq_items=[
        {"track": 1, "seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30},
        {"track": 1, "seq_in": 30, "seq_out": 45, "clip": master["url"], "clip_in": "00:00:01:00", "clip_out": 45},
    ])
    items = sequence["seq_items"]
    assert [item["seq_in"]["frm"] for item in items] == [0, 30]
    assert items[1]["clip_name"] == "clip.mp4" and items[1]["clip_tape"] == "A001" and items[1]["clip_id"] == master["id"]
    assert sequence["in"]["frm"] == 0 and sequence["out"]["frm"] == 45 and sequence["duration"]["txt"] == "00:00:01:15"


@pytest.mark.parametrize("item, field, message", [
    ({"seq_in": 10, "seq_out": 5, "clip_in": 0, "clip_out": 5}, "seq_out", "after seq_in"),
    ({"seq_in": 0, "seq_out": 30, "clip_in": 40, "clip_out": 70}, "clip_in", "outside the source's media"),
    ({"seq_in": 0, "seq_out": 30, "clip_in": 0, "clip_out": 20}, "seq_out", "lasts"),
    ({"seq_in": 0, "seq_out": 30, "clip_in": "00:00:00:31", "clip_out": 20}, "clip_in", "past the rate"),
])
def test_bad_items_are_a_400_naming_the_item_and_field(api, catalog, master, item, field, message):
    body = {"catalog": catalog["id"], "name": "Cut", "type": "seq", "fmt": 30,
            "seq_items": [{"track": 1, "clip": master["id"], **item}]}
    response = api.post("/assets/", body, format="json")
    assert response.status_code == 400, response.data
    assert message in str(response.data["seq_items"]["0"][field]), response.data


def test_items_on_one_track_may_not_overlap(api, catalog, master):
    body = {"catalog": catalog["id"], "name": "Cut", "type": "seq", "fmt": 30, "seq_items": [
        {"track": 1, "seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30},
        {"track": 1, "seq_in": 20, "seq_out": 40, "clip": master["id"], "clip_in": 0, "clip_out": 20},
        {"track": 2, "seq_in": 20, "seq_out": 40, "clip": master["id"], "clip_in": 0, "clip_out": 20},
    ]}
    response = api.post("/assets/", body, format="json")
    assert response.status_code == 400 and "overlaps" in str(response.data["seq_items"]["1"])


def test_only_sequences_have_items_and_they_come_from_the_same_catalog(api, catalog, master):
    response = api.patch(master["url"], {"seq_items": []}, format="json")
    assert response.status_code == 400 and "Only a sequence" in str(response.data["seq_items"])
    other = ok(api.post("/catalogs/", {"name": "Other"}, format="json"), 201)
    response = api.post("/assets/", {"catalog": other["id"], "name": "Cut", "type": "seq", "fmt": 30, "seq_items": [
        {"seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30}]}, format="json")
    assert response.status_code == 400 and "its own catalog" in str(response.data["seq_items"]["0"]["clip"])


def test_an_asset_used_in_a_sequence_cannot_be_deleted(api, catalog, master):
    sequence = create_asset(api, catalog, name="Rough cut", type="seq", fmt=30, seq_items=[
        {"seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30}])
    response = api.delete(master["url"])
    assert response.status_code == 409 and "Rough cut" in str(response.data["detail"])
    ok(api.patch(sequence["url"], {"seq_items": []}, format="json"))
    assert api.delete(master["url"]).status_code == 204


def test_deleting_a_catalog_deletes_its_sequences_and_their_sources(api, catalog, master):
    create_asset(api, catalog, name="Rough cut", type="seq", fmt=30, seq_items=[
        {"seq_in": 0, "seq_out": 30, "clip": master["id"], "clip_in": 0, "clip_out": 30}])
    assert api.delete(catalog["url"]).status_code == 204
    assert api.get(master["url"]).status_code == 404
