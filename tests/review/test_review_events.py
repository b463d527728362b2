"""What review and version stacks announce (review/hooks.py, media_assets/hooks.py) for notifications."""

import pytest

from media_assets.hooks import on_version_added, version_added
from review.hooks import on_review_event, review_event
from tests.factories import ok
from tests.media_assets.catalog.helpers import create_asset, share
from tests.review.conftest import comments_url

pytestmark = pytest.mark.django_db(transaction=True)  # announcements wait for the commit


@pytest.fixture
def heard(monkeypatch):
    events: list[tuple[str, list[int], dict]] = []
    monkeypatch.setattr(review_event, "_callbacks", [])
    monkeypatch.setattr(version_added, "_callbacks", [])
    on_review_event(lambda event, *, user_ids, payload: events.append((event, user_ids, payload)))
    on_version_added(lambda asset, *, stack: events.append(("version.added", [asset.pk], {"stack": len(stack)})))
    return events


def test_a_viewers_note_tells_the_owner_and_a_mention_tells_the_mentioned(api, other_api, user, other_user, catalog,
                                                                           team, asset, heard):
    share(api, catalog, team, "viewer")
    note = ok(other_api.post(comments_url(asset), {"text": "@alice see frame", "frame": "01:00:01;00"}, format="json"), 201)
    created = [(event, users) for event, users, _ in heard]
    assert created == [("comment.created", [user.pk]), ("comment.mentioned", [user.pk])]
    payload = heard[0][2]
    assert payload["author"] == other_user.username and payload["asset"]["name"] == "Cut"
    assert payload["comment"]["text"] == "@alice see frame" and payload["comment"]["frame"]["txt"] == "01:00:01;00"
    heard.clear()
    ok(api.post(f"{note['url']}resolve/", {"resolved": True}, format="json"))
    assert [(event, users) for event, users, _ in heard] == [("comment.resolved", [other_user.pk])]


def test_nobody_hears_of_their_own_note(api, asset, heard):
    ok(api.post(comments_url(asset), {"text": "mine"}, format="json"), 201)
    assert heard == []


def test_a_stacked_version_is_announced(api, catalog, heard):
    one, two = create_asset(api, catalog, name="v1"), create_asset(api, catalog, name="v2")
    ok(api.post(f"/assets/{one['id']}/versions/", {"asset": two["id"]}, format="json"), 201)
    assert heard == [("version.added", [two["id"]], {"stack": 2})]


def test_the_hooks_start_with_notifications_listening():
    assert any(getattr(cb, "__name__", "") == "review_event_notify" for cb in review_event.subscribers)
    assert any(getattr(cb, "__name__", "") == "version_added_notify" for cb in version_added.subscribers)
