"""Review playlists through the API: order, notes, add/move/remove, catalog sharing, bad input."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharing.models import Playlist, PlaylistItem
from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def assets(api, catalog) -> list[dict]:
    return [create_asset(api, catalog, name=name) for name in ("A", "B", "C")]


def names(playlist: dict) -> list[str]:
    return [item["name"] for item in playlist["items"]]


def make_playlist(api, catalog, assets, **fields) -> dict:
    body = {"name": "Dailies", "catalog": catalog["url"],
            "items": [{"asset": each["url"], "note": f"note {each['name']}"} for each in assets], **fields}
    return ok(api.post("/playlists/", body, format="json"), 201)


def test_a_playlist_keeps_its_order_and_notes(api, catalog, assets):
    playlist = make_playlist(api, catalog, assets)
    assert names(playlist) == ["A", "B", "C"] and playlist["items"][1]["note"] == "note B"
    assert playlist["items"][0]["asset"] == assets[0]["url"]
    added = ok(api.post(f"{playlist['url']}items/", {"asset": assets[2]["id"], "note": "again", "position": 0},
                        format="json"), 201)
    assert names(added) == ["C", "A", "B", "C"]
    moved = ok(api.post(f"{playlist['url']}items/move/", {"item": 0, "position": 3}, format="json"))
    assert names(moved) == ["A", "B", "C", "C"] and moved["items"][3]["note"] == "again"
    removed = ok(api.delete(f"{playlist['url']}items/1/"))
    assert names(removed) == ["A", "C", "C"]
    assert list(PlaylistItem.objects.order_by("position").values_list("position", flat=True)) == [0, 1, 2]
    replaced = ok(api.patch(playlist["url"], {"items": [{"asset": assets[1]["url"]}]}, format="json"))
    assert names(replaced) == ["B"]


def test_viewers_read_editors_change_others_see_nothing(api, catalog, assets, viewer_api, third_api):
    playlist = make_playlist(api, catalog, assets)
    assert names(ok(viewer_api.get(playlist["url"]))) == ["A", "B", "C"]
    assert ok(viewer_api.get("/playlists/"))["count"] == 1
    assert viewer_api.post(f"{playlist['url']}items/", {"asset": assets[0]["url"]}, format="json").status_code == 403
    assert viewer_api.post(f"{playlist['url']}items/move/", {"item": 0, "position": 1},
                           format="json").status_code == 403
    assert viewer_api.delete(f"{playlist['url']}items/0/").status_code == 403
    assert viewer_api.delete(playlist["url"]).status_code == 403
    assert viewer_api.post("/playlists/", {"name": "x", "catalog": catalog["url"]}, format="json").status_code == 400
    assert ok(third_api.get("/playlists/"))["count"] == 0
    for answer in (third_api.get(playlist["url"]), third_api.delete(playlist["url"]),
                   third_api.post(f"{playlist['url']}items/", {"asset": assets[0]["url"]}, format="json"),
                   third_api.delete(f"{playlist['url']}items/0/")):
        assert answer.status_code == 404
    assert PlaylistItem.objects.count() == 3


def test_an_editor_changes_a_playlist(api, catalog, assets, editor_api):
    playlist = make_playlist(api, catalog, assets)
    assert names(ok(editor_api.delete(f"{playlist['url']}items/0/"))) == ["B", "C"]


def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(api, other_api, catalog, assets):
    elsewhere = create_catalog(api, name="Elsewhere")
    stranger = create_asset(api, elsewhere, name="Other catalog")
    theirs = create_catalog(other_api, name="Bob's")
    cases = [
        ({"catalog": catalog["url"]}, "name"),
        ({"name": "x"}, "catalog"),
        ({"name": "x", "catalog": theirs["url"]}, "catalog"),
        ({"name": "x", "catalog": catalog["url"], "items": [{"asset": stranger["url"]}]}, "items"),
        ({"name": "x", "catalog": catalog["url"], "items": [{"asset": "/assets/999999/"}]}, "items"),
        ({"name": "x", "catalog": catalog["url"], "items": "A"}, "items"),
        ({"name": "x", "catalog": catalog["url"], "items": [{"asset": assets[0]["url"], "note": ["x"]}]}, "items"),
    ]
    for body, field in cases:
        answer = api.post("/playlists/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    assert Playlist.objects.count() == 0
    playlist = make_playlist(api, catalog, assets)
    for path, body, field in [
        ("items/", {"asset": stranger["url"]}, "asset"),
        ("items/", {}, "asset"),
        ("items/", {"asset": assets[0]["url"], "position": -1}, "position"),
        ("items/move/", {"item": 3, "position": 0}, "item"),
        ("items/move/", {"item": 0, "position": 9}, "position"),
        ("items/move/", {"item": "a", "position": 0}, "item"),
    ]:
        answer = api.post(playlist["url"] + path, body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (path, body, answer.json())
    assert api.delete(playlist["url"] + "items/3/").status_code == 404
    assert api.patch(playlist["url"], {"catalog": elsewhere["url"]}, format="json").status_code == 400
    assert names(ok(api.get(playlist["url"]))) == ["A", "B", "C"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        ok(client.get(path))
    return len(captured)


def test_lists_keep_a_constant_number_of_queries(api, catalog, assets, clip_link_factory):
    make_playlist(api, catalog, assets[:1])
    clip_link_factory(assets[0])
    small = {path: _queries(api, path) for path in ("/playlists/", "/share-links/")}
    for _ in range(3):
        make_playlist(api, catalog, assets)
        clip_link_factory(assets[1])
    assert {path: _queries(api, path) for path in small} == small


@pytest.fixture
def clip_link_factory(api):
    def make(asset):
        return ok(api.post("/share-links/", {"target": asset["url"]}, format="json"), 201)
    return make
