"""Subscriptions: signed deliveries to a receiver on 127.0.0.1, retries with backoff, attempts recorded, mail."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

import notifications.tasks  # noqa: F401 - registers the actor on the broker
from notifications.delivery import backoff_seconds
from notifications.events import event_publish
from notifications.listeners import review_event_notify
from notifications.models import Delivery, DeliveryAttempt, Subscription
from notifications.signing import signature_valid
from tests.exports.conftest import quiet_broker, running_worker, worker  # noqa: F401
from tests.factories import create_project, ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog

SECRET = "a shared secret"


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    statuses: list = []  # answered in turn; 200 once they run out

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        valid = signature_valid(secret=SECRET, body=body, header=self.headers.get("X-Montage-Signature", ""))
        Receiver.received.append({"headers": dict(self.headers), "body": body, "valid": valid})
        status = Receiver.statuses.pop(0) if Receiver.statuses else (200 if valid else 403)
        answer = b'{"ok": true}' if status == 200 else b"try later"
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    settings.NOTIFICATION_BACKOFF_SECONDS = 0.05
    Receiver.received, Receiver.statuses = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/montage"
    server.shutdown()


def subscribe(api, url: str, events: list[str]) -> dict:
    return ok(api.post("/subscriptions/", {"target_url": url, "events": events, "secret": SECRET}, format="json"), 201)


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return value


def guest_view(api) -> dict:
    catalog = create_catalog(api, name="Review")
    asset = create_asset(api, catalog, name="Cut 2")
    link = ok(api.post("/share-links/", {"target": asset["url"]}, format="json"), 201)
    ok(APIClient().get(link["link"].removeprefix("http://testserver") + "?name=Dana"))
    return link


def test_a_share_view_is_posted_signed_and_its_attempt_recorded(api, worker, receiver):
    subscription = subscribe(api, receiver, ["share.viewed"])
    assert "secret" not in subscription
    link = guest_view(api)
    [received] = wait_for(lambda: Receiver.received)
    assert received["valid"]
    headers, payload = received["headers"], json.loads(received["body"])
    assert headers["X-Montage-Event"] == "share.viewed"
    assert headers["X-Montage-Delivery"] == payload["delivery"]
    assert headers["X-Montage-Signature"].startswith("sha256=")
    assert payload["event"] == "share.viewed" and payload["data"]["share_link"] == link["id"]
    assert payload["data"]["guest_name"] == "Dana"
    wait_for(lambda: Delivery.objects.filter(status="completed").exists())
    [attempt] = ok(api.get(subscription["deliveries"]))["results"]
    assert attempt["status_code"] == 200 and attempt["answer_head"] == '{"ok": true}'
    assert attempt["event"] == "share.viewed" and attempt["delivery"] == payload["delivery"]
    assert attempt["delivery_status"] == "completed" and attempt["duration"] >= 0


def test_a_failing_receiver_is_retried_with_backoff_and_each_attempt_kept(api, worker, receiver):
    Receiver.statuses = [500, 503]
    subscription = subscribe(api, receiver, ["share.viewed"])
    guest_view(api)
    wait_for(lambda: Delivery.objects.filter(status="completed").exists())
    attempts = ok(api.get(subscription["deliveries"]))["results"]
    assert [each["status_code"] for each in attempts] == [200, 503, 500]  # newest first
    assert len({each["delivery"] for each in attempts}) == 1  # one delivery id, three attempts
    assert Delivery.objects.get().attempts == 3


def test_a_delivery_gives_up_after_the_most_attempts(api, worker, receiver, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    Receiver.statuses = [500, 500, 500]
    subscription = subscribe(api, receiver, ["share.viewed"])
    guest_view(api)
    failed = wait_for(lambda: Delivery.objects.filter(status="failed").first())
    assert failed.attempts == 2 and "500" in failed.error
    assert len(ok(api.get(subscription["deliveries"]))["results"]) == 2


def test_only_subscribed_events_of_the_subscriber_are_delivered(api, other_api, worker, receiver):
    subscribe(api, receiver, ["export.completed"])
    subscribe(other_api, receiver, ["share.viewed"])
    guest_view(api)  # alice's link: bob's subscription is not told, alice's does not want it
    time.sleep(0.5)
    assert Receiver.received == [] and Delivery.objects.count() == 0


def test_a_failed_export_is_announced(api, worker, receiver):
    subscribe(api, receiver, ["export.failed", "export.completed"])
    empty = create_project(api, width=160, height=90)
    export = ok(api.post("/exports/", {"project": empty["url"]}, format="json"), 201)
    [received] = wait_for(lambda: Receiver.received, timeout=60)
    payload = json.loads(received["body"])
    assert payload["event"] == "export.failed" and payload["data"]["export"] == export["id"]
    assert payload["data"]["error"] and received["valid"]


@pytest.mark.django_db
def test_bad_subscriptions_are_400_naming_the_field(api, settings):
    settings.MONTAGE_TRUSTED_NETWORKS = []
    cases = [
        ({"target_url": "http://127.0.0.1:9/x", "events": ["share.viewed"], "secret": SECRET}, "target_url"),
        ({"target_url": "http://169.254.169.254/", "events": ["share.viewed"], "secret": SECRET}, "target_url"),
        ({"target_url": "ftp://example.com/", "events": ["share.viewed"], "secret": SECRET}, "target_url"),
        ({"target_url": "https://example.com/", "events": ["comment.deleted"], "secret": SECRET}, "events"),
        ({"target_url": "https://example.com/", "events": [], "secret": SECRET}, "events"),
        ({"target_url": "https://example.com/", "events": "share.viewed", "secret": SECRET}, "events"),
        ({"target_url": "https://example.com/", "events": ["share.viewed"]}, "secret"),
        ({"target_url": "https://example.com/", "events": ["share.viewed"], "secret": "short"}, "secret"),
    ]
    for body, field in cases:
        answer = api.post("/subscriptions/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    assert Subscription.objects.count() == 0


@pytest.mark.django_db
def test_a_patch_is_judged_by_the_same_guard(api, settings):
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    subscription = subscribe(api, "http://127.0.0.1:9/ok", ["share.viewed"])
    settings.MONTAGE_TRUSTED_NETWORKS = []
    answer = api.patch(subscription["url"], {"target_url": "http://127.0.0.1:10/x"}, format="json")
    assert answer.status_code == 400 and "target_url" in answer.json()
    assert Subscription.objects.get().target_url == "http://127.0.0.1:9/ok"


@pytest.mark.django_db
def test_another_users_subscription_and_deliveries_are_404(api, other_api, settings):
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    subscription = subscribe(api, "http://127.0.0.1:9/ok", ["share.viewed"])
    assert ok(other_api.get("/subscriptions/"))["count"] == 0
    for method in ("get", "patch", "delete"):
        assert getattr(other_api, method)(subscription["url"], {}, format="json").status_code == 404
    assert other_api.get(subscription["deliveries"]).status_code == 404
    assert APIClient().get("/subscriptions/").status_code in (401, 403)


@pytest.mark.django_db
def test_a_mention_emails_the_mentioned_users_who_have_an_address(user, other_user):
    user.email = "alice@example.com"
    user.save()
    review_event_notify("comment.mentioned", user_ids=[user.pk, other_user.pk], payload={
        "author": "bob", "asset": {"name": "Cut 2"},
        "comment": {"text": "@alice look", "frame": {"txt": "00:00:01:00"}},
        "url": "http://testserver/comments/1/"})
    [message] = mail.outbox
    assert message.to == ["alice@example.com"] and "bob mentioned you on Cut 2" == message.subject
    assert "00:00:01:00" in message.body and "@alice look" in message.body


def test_backoff_doubles_up_to_the_most(settings):
    settings.NOTIFICATION_BACKOFF_SECONDS = 10
    settings.NOTIFICATION_BACKOFF_MAX_SECONDS = 60
    assert [backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


@pytest.mark.django_db
def test_lists_keep_a_constant_number_of_queries(api, user, settings):
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    subscription = subscribe(api, "http://127.0.0.1:9/ok", ["share.viewed"])

    def grow():
        subscribe(api, "http://127.0.0.1:9/more", ["share.viewed"])
        for delivery in event_publish(event="share.viewed", user_ids=[user.pk], payload={}):
            DeliveryAttempt.objects.create(delivery=delivery, time=timezone.now(), status_code=500, duration=0.1)

    def count(path):
        with CaptureQueriesContext(connection) as captured:
            ok(api.get(path))
        return len(captured)

    grow()
    small = {path: count(path) for path in ("/subscriptions/", subscription["deliveries"])}
    grow()
    grow()
    assert {path: count(path) for path in small} == small
