"""/assets/<id>/markers/: points and ranges logged inside the asset's in–out."""

import pytest

from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset

pytestmark = pytest.mark.django_db


@pytest.fixture
def asset(api, catalog):
    """01:00:00;00–01:10:00;00 at 29.97 drop-frame."""
    return create_asset(api, catalog, name="Interview", fmt=2997, media_start="01:00:00;00", media_end="01:10:00;00")


def test_log_a_point_and_a_range_in_drop_frame_timecode(api, asset):
    point = ok(api.post(f"{asset['url']}markers/", {"name": "Laugh", "in": "01:01:00;02", "category": "Good"}, format="json"), 201)
    assert point["in"]["txt"] == "01:01:00;02" and point["out"] is None and point["created_by"] == "alice"
    span = ok(api.post(f"{asset['url']}markers/", {
        "name": "Answer", "in": "01:02:00;02", "out": "01:03:10;00", "description": "about the car", "colour": "#FF8800",
    }, format="json"), 201)
    assert span["out"]["txt"] == "01:03:10;00" and span["colour"] == "#ff8800"
    listed = ok(api.get(f"{asset['url']}markers/"))["results"]
    assert [marker["name"] for marker in listed] == ["Laugh", "Answer"]
    assert [marker["name"] for marker in ok(api.get(asset["url"]))["markers"]] == ["Laugh", "Answer"]


@pytest.mark.parametrize("body, field, message", [
    ({"name": "m", "in": "00:59:59;29"}, "in", "outside the asset's range 01:00:00;00–01:10:00;00"),
    ({"name": "m", "in": "01:05:00;02", "out": "01:10:00;02"}, "out", "outside the asset's range"),
    ({"name": "m", "in": "01:05:00;02", "out": "01:04:00;02"}, "out", "before in"),
    ({"name": "m", "in": "01:01:00;00"}, "in", "does not exist in 29.97 DF"),
    ({"name": "m", "in": "01:05:00:02"}, "in", None),
    ({"name": "m"}, "in", "required"),
    ({"in": "01:05:00;02"}, "name", "required"),
    ({"name": "m", "in": "01:05:00;02", "colour": "red"}, "colour", "#rrggbb"),
])
def test_markers_stay_inside_the_asset_and_bad_input_is_a_400(api, asset, body, field, message):
    response = api.post(f"{asset['url']}markers/", body, format="json")
    if message is None:  # ':' before the frames is accepted at a drop-frame rate
        assert response.status_code == 201
        return
    assert response.status_code == 400 and field in response.data and message in str(response.data[field]), response.data


def test_moving_the_assets_range_away_from_a_marker_is_refused(api, asset):
    ok(api.post(f"{asset['url']}markers/", {"name": "late", "in": "01:09:00;02"}, format="json"), 201)
    response = api.patch(asset["url"], {"out": "01:05:00;02"}, format="json")
    assert response.status_code == 400 and "marker" in str(response.data["out"])


def test_edit_and_delete_a_marker(api, asset):
    marker = ok(api.post(f"{asset['url']}markers/", {"name": "m", "in": "01:05:00;02"}, format="json"), 201)
    changed = ok(api.patch(marker["url"], {"name": "renamed", "out": "01:06:00;02"}, format="json"))
    assert changed["name"] == "renamed" and changed["out"]["txt"] == "01:06:00;02"
    assert api.delete(marker["url"]).status_code == 204
    assert ok(api.get(f"{asset['url']}markers/"))["count"] == 0


def test_markers_follow_the_catalogs_sharing(api, other_api, third_api, catalog, team):
    asset = create_asset(api, catalog, **{"out": 100})
    marker = ok(api.post(f"{asset['url']}markers/", {"name": "m", "in": 1}, format="json"), 201)
    assert third_api.get(f"{asset['url']}markers/").status_code == 404
    assert third_api.get(marker["url"]).status_code == 404
    ok(api.patch(catalog["url"], {"shares": [{"group": "team", "role": "viewer"}]}, format="json"))
    assert ok(other_api.get(marker["url"]))["name"] == "m"
    assert other_api.patch(marker["url"], {"name": "x"}, format="json").status_code == 403
    assert other_api.delete(marker["url"]).status_code == 403
