"""Share links through the API: who makes them, the token shown once, revoking, and the guest side."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sharing.models import ShareLink
from sharing.tokens import token_hash
from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset

pytestmark = pytest.mark.django_db


def make_link(api, target: str, **fields) -> dict:
    return ok(api.post("/share-links/", {"target": target, **fields}, format="json"), 201)


def guest_path(link: dict) -> str:
    return link["link"].removeprefix("http://testserver")


def test_a_link_shows_its_token_once_and_stores_only_a_hash(api, clip):
    link = make_link(api, clip["url"], can_download=True)
    token = link["link"].rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert link["token_prefix"] == token[:8]
    assert link["link"].startswith("http://testserver/s/")
    row = ShareLink.objects.get(pk=link["id"])
    assert row.token_hash == token_hash(token) and token not in (row.token_hash, row.password)
    assert abs((row.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    again = ok(api.get(link["url"]))
    assert again["link"] is None and "password" not in again and again["token_prefix"] == token[:8]
    assert ok(api.get("/share-links/"))["count"] == 1


def test_the_guest_sees_the_shared_asset_with_a_signed_preview(api, clip):
    link = make_link(api, clip["url"], can_download=True)
    guest = APIClient()
    shared = ok(guest.get(guest_path(link) + "?name=Dana"))
    assert shared["type"] == "asset" and shared["name"] == "Cut 1"
    [item] = shared["items"]
    assert item["name"] == "Cut 1" and item["timecode_format"]["fmt"] == 30
    assert item["duration"]["frames"] > 0 and item["comments"] == []
    media = guest.get(item["preview"].removeprefix("http://testserver"))
    assert media.status_code == 200 and "attachment" not in media.get("Content-Disposition", "")
    assert b"".join(media.streaming_content)[4:8] == b"ftyp"
    ranged = guest.get(item["preview"].removeprefix("http://testserver"), HTTP_RANGE="bytes=0-3")
    assert ranged.status_code == 206
    download = guest.get(item["download"].removeprefix("http://testserver"))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    seen = ok(api.get(link["url"]))
    assert seen["views"] == 1 and seen["last_viewed_at"]
    [access] = ok(api.get(seen["accesses"]))["results"]
    assert access["guest_name"] == "Dana" and access["ip"] == "127.0.0.1"


def test_downloads_need_can_download(api, clip):
    link = make_link(api, clip["url"])
    guest = APIClient()
    [item] = ok(guest.get(guest_path(link)))["items"]
    assert item["download"] is None
    assert guest.get(guest_path(link) + "items/0/download/").status_code == 404


def test_a_password_link_answers_401_until_unlocked_for_this_session(api, clip):
    link = make_link(api, clip["url"], password="open sesame", can_download=True)
    assert "password" not in link and link["has_password"] is True
    guest = APIClient()
    locked = guest.get(guest_path(link))
    assert locked.status_code == 401 and locked.json()["password_required"] is True
    assert guest.get(guest_path(link) + "items/0/download/").status_code == 401
    wrong = guest.post(guest_path(link) + "unlock/", {"password": "nope"}, format="json")
    assert wrong.status_code == 401 and "password" in wrong.json()
    assert guest.post(guest_path(link) + "unlock/", {}, format="json").json() == {
        "password": ["This field is required."]}
    ok(guest.post(guest_path(link) + "unlock/", {"password": "open sesame"}, format="json"))
    assert ok(guest.get(guest_path(link)))["items"][0]["name"] == "Cut 1"
    assert guest.get(guest_path(link) + "items/0/download/").status_code == 200
    assert APIClient().get(guest_path(link)).status_code == 401  # another browser is still locked out


def test_ten_wrong_passwords_in_ten_minutes_answer_429_with_retry_after(api, clip):
    link = make_link(api, clip["url"], password="right one")
    guest = APIClient()
    for _ in range(10):
        assert guest.post(guest_path(link) + "unlock/", {"password": "wrong"}, format="json").status_code == 401
    throttled = guest.post(guest_path(link) + "unlock/", {"password": "right one"}, format="json")
    assert throttled.status_code == 429 and 0 < int(throttled["Retry-After"]) <= 600
    assert guest.get(guest_path(link)).status_code == 401


def test_revoked_expired_and_unknown_links_are_404(api, clip):
    revoked = make_link(api, clip["url"])
    ok(api.patch(revoked["url"], {"is_active": False}, format="json"))
    assert APIClient().get(guest_path(revoked)).status_code == 404
    assert api.patch(revoked["url"], {"is_active": True}, format="json").status_code == 400
    deleted = make_link(api, clip["url"])
    signed = ok(APIClient().get(guest_path(deleted)))["items"][0]["preview"].removeprefix("http://testserver")
    assert api.delete(deleted["url"]).status_code == 204
    assert APIClient().get(guest_path(deleted)).status_code == 404
    assert APIClient().get(signed).status_code == 404  # its media URL died with it
    expired = make_link(api, clip["url"])
    ShareLink.objects.filter(pk=expired["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert APIClient().get(guest_path(expired)).status_code == 404
    assert APIClient().get("/s/not-a-token/").status_code == 404
    assert APIClient().get("/s/" + "x" * 500 + "/").status_code == 404


def test_nothing_beyond_the_shared_items_is_reachable(api, catalog, clip):
    link = make_link(api, clip["url"], can_download=True)
    guest = APIClient()
    ok(guest.get(guest_path(link)))
    for path in ("items/1/download/", "items/99999999999999999999/download/", "items/0/comments/",
                 "items/-1/download/", "catalog/", "../"):
        assert guest.get(guest_path(link) + path).status_code in (404, 405), path
    assert guest.post(guest_path(link) + "items/0/comments/", {"guest_name": "x", "text": "y"},
                      format="json").status_code == 404  # the link has no can_comment
    for path in (clip["url"], catalog["url"], "/assets/", "/share-links/", "/s/media/forged/"):
        assert guest.get(path).status_code in (401, 403, 404), path


def test_a_playlist_link_shows_the_playlist_in_order_and_nothing_else(api, catalog, clip):
    other = create_asset(api, catalog, name="B roll")
    create_asset(api, catalog, name="Not in the playlist")
    playlist = ok(api.post("/playlists/", {"name": "Dailies", "catalog": catalog["url"], "items": [
        {"asset": other["url"], "note": "first"}, {"asset": clip["url"]}]}, format="json"), 201)
    link = make_link(api, playlist["url"])
    shared = ok(APIClient().get(guest_path(link)))
    assert shared["type"] == "playlist" and [item["name"] for item in shared["items"]] == ["B roll", "Cut 1"]
    assert shared["items"][0]["preview"] is None and shared["items"][1]["preview"]


def test_a_smart_folder_link_shows_what_matches(api, catalog, clip):
    create_asset(api, catalog, name="Other")
    folder = ok(api.post("/smart-folders/", {"name": "Cuts", "catalog": catalog["url"],
                                             "query": "((clip.name)has(Cut))"}, format="json"), 201)
    link = make_link(api, folder["url"])
    shared = ok(APIClient().get(guest_path(link)))
    assert shared["type"] == "smart-folder" and [item["name"] for item in shared["items"]] == ["Cut 1"]


def test_bad_input_is_a_400_naming_the_field_and_makes_nothing(api, clip):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    far = (timezone.now() + timedelta(days=400)).isoformat()
    cases = [
        ({"target": clip["url"], "expires_at": past}, "expires_at"),
        ({"target": clip["url"], "expires_at": far}, "expires_at"),
        ({"target": clip["url"], "expires_at": "soon"}, "expires_at"),
        ({"target": "/projects/1/"}, "target"),
        ({"target": "/assets/99999999999999999999/"}, "target"),
        ({"target": 12}, "target"),
        ({}, "target"),
        ({"target": clip["url"], "can_comment": "maybe"}, "can_comment"),
        ({"target": clip["url"], "password": ["x"]}, "password"),
    ]
    for body, field in cases:
        answer = api.post("/share-links/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    assert ShareLink.objects.count() == 0


def test_only_the_owner_and_editors_make_links(api, clip, viewer_api):
    answer = viewer_api.post("/share-links/", {"target": clip["url"]}, format="json")
    assert answer.status_code == 400 and "not share it" in answer.json()["target"][0]
    assert ShareLink.objects.count() == 0


def test_an_editor_makes_a_link_that_only_they_see(api, clip, editor_api, third_api):
    link = make_link(editor_api, clip["url"])
    assert ok(api.get("/share-links/"))["count"] == 0
    for client in (api, third_api):
        assert client.get(link["url"]).status_code == 404
        assert client.get(link["accesses"]).status_code == 404
        assert client.patch(link["url"], {"is_active": False}, format="json").status_code == 404
        assert client.delete(link["url"]).status_code == 404
    assert third_api.post("/share-links/", {"target": clip["url"]}, format="json").status_code == 400
    assert ShareLink.objects.get(pk=link["id"]).is_active


def test_a_link_target_is_fixed(api, clip, catalog):
    link = make_link(api, clip["url"])
    other = create_asset(api, catalog, name="Other")
    answer = api.patch(link["url"], {"target": other["url"]}, format="json")
    assert answer.status_code == 400 and "target" in answer.json()
    assert api.patch(link["url"], {"password": "x"}, format="json").status_code == 400


def test_unlocking_one_link_unlocks_no_other(api, clip):
    first = make_link(api, clip["url"], password="first password")
    second = make_link(api, clip["url"], password="second password")
    guest = APIClient()
    ok(guest.post(guest_path(first) + "unlock/", {"password": "first password"}, format="json"))
    assert guest.get(guest_path(first)).status_code == 200
    assert guest.get(guest_path(second)).status_code == 401
    assert guest.post(guest_path(second) + "unlock/", {"password": "first password"},
                      format="json").status_code == 401
