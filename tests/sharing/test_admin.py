"""The admin pages of playlists, share links, subscriptions and deliveries, and the revoke action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from media_assets.catalog.models import Asset, Catalog
from notifications.events import event_publish
from notifications.models import Delivery, Subscription
from sharing.models import Playlist, PlaylistItem
from sharing.services import share_link_create, share_view_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="root-password-1"))
    return client


@pytest.fixture
def objects(user):
    catalog = Catalog.objects.create(owner=user, name="Rushes")
    asset = Asset.objects.create(catalog=catalog, name="Cut 1")
    playlist = Playlist.objects.create(owner=user, catalog=catalog, name="Dailies")
    PlaylistItem.objects.create(playlist=playlist, asset=asset, position=0, note="first")
    link, token = share_link_create(owner=user, target=asset, expires_at=timezone.now() + timedelta(days=1),
                                    password="secret words")
    share_view_record(link=link, ip="127.0.0.1", guest_name="Dana")
    subscription = Subscription.objects.create(owner=user, target_url="https://example.com/x",
                                               events=["share.viewed"], secret="the subscription secret")
    [delivery] = event_publish(event="share.viewed", user_ids=[user.pk], payload={"x": 1})
    return {"playlist": playlist, "link": link, "token": token, "subscription": subscription, "delivery": delivery}


def test_the_pages_load_and_hide_hashes_and_secrets(staff_client, objects):
    link, subscription = objects["link"], objects["subscription"]
    for path in ("/cloud-admin/sharing/playlist/", f"/cloud-admin/sharing/playlist/{objects['playlist'].pk}/change/",
                 "/cloud-admin/sharing/sharelink/", "/cloud-admin/notifications/subscription/",
                 "/cloud-admin/notifications/delivery/",
                 f"/cloud-admin/notifications/delivery/{objects['delivery'].pk}/change/"):
        assert staff_client.get(path).status_code == 200, path
    page = staff_client.get(f"/cloud-admin/sharing/sharelink/{link.pk}/change/").content.decode()
    assert "Dana" in page and link.token_hash not in page and link.password not in page
    assert objects["token"] not in page
    page = staff_client.get(f"/cloud-admin/notifications/subscription/{subscription.pk}/change/").content.decode()
    assert "the subscription secret" not in page
    assert Delivery.objects.get().event == "share.viewed"


def test_the_revoke_action(staff_client, objects):
    link = objects["link"]
    staff_client.post("/cloud-admin/sharing/sharelink/", {"action": "revoke", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert not link.is_active
