"""Share-link guests and review notes: the public notes a guest sees, and the notes a guest leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from review.models import Comment
from sharing.models import ShareLink
from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset

pytestmark = pytest.mark.django_db

ARROW = {"shapes": [{"tool": "arrow", "points": [[0.1, 0.2], [0.5, 0.5]], "color": "#FF0000", "width": 3}]}


@pytest.fixture
def cut(api, catalog) -> dict:
    """01:00:00;00–01:10:00;00 at 29.97 drop-frame (no media needed for notes)."""
    return create_asset(api, catalog, name="Cut", fmt=2997, media_start="01:00:00;00", media_end="01:10:00;00")


def make_link(api, target: str, **fields) -> dict:
    return ok(api.post("/share-links/", {"target": target, **fields}, format="json"), 201)


def guest_path(link: dict) -> str:
    return link["link"].removeprefix("http://testserver")


def note(api, asset: dict, **body) -> dict:
    return ok(api.post(f"/assets/{asset['id']}/comments/", {"text": "note", **body}, format="json"), 201)


def guest_post(guest, link: dict, index: int = 0, **body):
    return guest.post(guest_path(link) + f"items/{index}/comments/", body, format="json")


def test_a_guest_note_reaches_the_owner_as_a_guest_authored_public_note(api, cut):
    link = make_link(api, cut["url"], can_comment=True)
    guest = APIClient()
    answer = ok(guest_post(guest, link, guest_name="Dana", text="Too dark", frame="01:01:00;02", duration=12,
                           annotation=ARROW), 201)
    assert answer["author"] == {"guest_name": "Dana"} and answer["frame"]["txt"] == "01:01:00;02"
    assert answer["annotation"]["shapes"][0]["color"] == "#ff0000" and answer["replies"] == []
    [seen] = ok(api.get(f"/assets/{cut['id']}/comments/"))["results"]
    assert seen["author"] == {"guest_name": "Dana"} and seen["public"] is True and seen["text"] == "Too dark"
    [item] = ok(guest.get(guest_path(link)))["items"]
    assert [c["text"] for c in item["comments"]] == ["Too dark"]


def test_the_guest_sees_public_notes_and_public_replies_only(api, catalog, cut, editor_api):
    other = create_asset(api, catalog, name="Other")
    shown = note(api, cut, text="Shown", frame="01:00:10;00")
    note(api, cut, text="Internal", public=False)
    hidden_parent = note(api, cut, text="Internal thread", public=False)
    ok(api.post(f"{hidden_parent['url']}reply/", {"text": "reply under internal"}, format="json"), 201)
    ok(editor_api.post(f"{shown['url']}reply/", {"text": "Public reply"}, format="json"), 201)
    ok(api.post(f"{shown['url']}reply/", {"text": "Internal reply", "public": False}, format="json"), 201)
    note(api, other, text="On another asset")
    link = make_link(api, cut["url"])
    [item] = ok(APIClient().get(guest_path(link)))["items"]
    [only] = item["comments"]
    assert only["text"] == "Shown" and only["author"] == {"username": "alice"}
    assert only["frame"]["txt"] == "01:00:10;00" and only["resolved"] is False and only["date_created"]
    assert [(r["text"], r["author"]) for r in only["replies"]] == [("Public reply", {"username": "bob"})]
    assert "public" not in only and "url" not in only


def test_the_share_answer_takes_the_same_queries_for_more_items_and_notes(api, catalog, cut,
                                                                          django_assert_num_queries):
    second = create_asset(api, catalog, name="Second")
    playlist = ok(api.post("/playlists/", {"name": "Dailies", "catalog": catalog["url"],
                                           "items": [{"asset": cut["url"]}]}, format="json"), 201)
    link = make_link(api, playlist["url"])
    guest = APIClient()
    first = note(api, cut, text="one")
    ok(api.post(f"{first['url']}reply/", {"text": "reply"}, format="json"), 201)
    ok(guest.get(guest_path(link)))  # warm up the session
    # the link; the view recorded (savepoint, update, insert, release); the items; the notes; their replies
    with django_assert_num_queries(8):
        ok(guest.get(guest_path(link)))
    ok(api.patch(playlist["url"], {"items": [{"asset": cut["url"]}, {"asset": second["url"]}]}, format="json"))
    for asset in (cut, second, cut):
        parent = note(api, asset, text="more")
        ok(api.post(f"{parent['url']}reply/", {"text": "reply"}, format="json"), 201)
    with django_assert_num_queries(8):
        shared = ok(guest.get(guest_path(link)))
    assert [len(item["comments"]) for item in shared["items"]] == [3, 1]


def test_a_link_without_can_comment_refuses_with_a_404(api, cut):
    link = make_link(api, cut["url"])
    assert guest_post(APIClient(), link, guest_name="Dana", text="hi").status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("body, field", [
    ({"text": "no name"}, "guest_name"),
    ({"guest_name": "   ", "text": "blank name"}, "guest_name"),
    ({"guest_name": "x" * 101, "text": "long name"}, "guest_name"),
    ({"guest_name": "Dana"}, "text"),
    ({"guest_name": "Dana", "text": "outside", "frame": "01:10:00;04"}, "frame"),
    ({"guest_name": "Dana", "text": "before", "frame": "00:59:00;02"}, "frame"),
    ({"guest_name": "Dana", "text": "junk", "frame": "soon"}, "frame"),
    ({"guest_name": "Dana", "text": "range", "frame": "01:09:59;29", "duration": 100}, "duration"),
    ({"guest_name": "Dana", "text": "no start", "duration": 5}, "duration"),
    ({"guest_name": "Dana", "text": "draw", "annotation": {"shapes": [{"tool": "spray", "points": [[0, 0]]}]}},
     "annotation"),
    ({"guest_name": ["Dana"], "text": "list"}, "guest_name"),
])
def test_bad_guest_input_is_a_400_naming_the_field_and_makes_nothing(api, cut, body, field):
    link = make_link(api, cut["url"], can_comment=True)
    answer = APIClient().post(guest_path(link) + "items/0/comments/", body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert Comment.objects.count() == 0


def test_a_guest_cannot_choose_where_the_note_goes_or_hide_it(api, catalog, cut):
    parent = note(api, cut, text="Internal", public=False)
    link = make_link(api, cut["url"], can_comment=True)
    answer = ok(guest_post(APIClient(), link, guest_name="Dana", text="hi", public=False, parent=parent["id"],
                           version=2), 201)
    row = Comment.objects.get(pk=answer["id"])
    assert row.public is True and row.parent_id is None and row.asset_id == cut["id"] and row.author_id is None


def test_expired_revoked_and_out_of_range_items_are_404(api, cut):
    link = make_link(api, cut["url"], can_comment=True)
    guest = APIClient()
    for index in (1, 99, 99999999999999999999):
        assert guest_post(guest, link, index, guest_name="Dana", text="hi").status_code == 404
    assert guest.post(guest_path(link) + "items/-1/comments/", {"guest_name": "Dana", "text": "hi"},
                      format="json").status_code == 404
    ShareLink.objects.filter(pk=link["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert guest_post(guest, link, guest_name="Dana", text="hi").status_code == 404
    revoked = make_link(api, cut["url"], can_comment=True)
    ok(api.patch(revoked["url"], {"is_active": False}, format="json"))
    assert guest_post(guest, revoked, guest_name="Dana", text="hi").status_code == 404
    assert Comment.objects.count() == 0


def test_a_password_link_takes_notes_only_once_unlocked(api, cut):
    link = make_link(api, cut["url"], can_comment=True, password="s3cret")
    guest = APIClient()
    answer = guest_post(guest, link, guest_name="Dana", text="hi")
    assert answer.status_code == 401 and answer.json()["password_required"] is True
    ok(guest.post(guest_path(link) + "unlock/", {"password": "s3cret"}, format="json"))
    ok(guest_post(guest, link, guest_name="Dana", text="hi"), 201)
    assert guest_post(APIClient(), link, guest_name="Eve", text="hi").status_code == 401


def test_guest_notes_are_throttled_per_address(api, cut, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "share_comment": "2/min"}
    cache.clear()
    link = make_link(api, cut["url"], can_comment=True)
    guest = APIClient()
    for _ in range(2):
        ok(guest_post(guest, link, guest_name="Dana", text="hi"), 201)
    answer = guest_post(guest, link, guest_name="Dana", text="hi")
    assert answer.status_code == 429 and answer["Retry-After"]
    assert Comment.objects.count() == 2
