"""Webhooks after renders, and recovery of renders whose worker died."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.utils import timezone

from exports import services
from exports.models import Export
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

HOOK_HOST = "127.0.0.2"  # loopback, and the only address the tests trust


class Hook(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.headers["Content-Type"], body))
        answer = b'{"thanks": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_url(settings):
    settings.MONTAGE_TRUSTED_NETWORKS = [f"{HOOK_HOST}/32"]
    Hook.received = []
    server = ThreadingHTTPServer((HOOK_HOST, 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{HOOK_HOST}:{server.server_port}/video-export/"
    server.shutdown()


def wait_for_webhook_answer(api, export: dict, timeout: float = 30.0) -> str:
    """The webhook is called after the export is marked done: wait for its recorded answer."""
    deadline = time.monotonic() + timeout
    while "webhook" not in (data := ok(api.get(export["url"]))["json"]):
        assert time.monotonic() < deadline, f"no webhook answer recorded: {data}"
        time.sleep(0.05)
    return data["webhook"]


@pytest.fixture
def timeline(api, video_path):
    project = create_project(api, width=160, height=90)
    create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    return project


def test_webhook_gets_the_export_as_json_on_success(api, worker, timeline, hook_url):
    export = ok(api.post("/exports/", {"project": timeline["url"], "webhook": hook_url, "json": {"preset": "ultrafast"}},
                         format="json"), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed"
    assert wait_for_webhook_answer(api, export) == '200: [application/json] {"thanks": true}'
    content_type, body = Hook.received[0]
    payload = json.loads(body)
    assert content_type == "application/json"
    assert payload["id"] == export["id"] and payload["json"]["status"] == "success"
    assert payload["output"].startswith("http://testserver/exports/")


def test_webhook_as_a_form_on_failure(api, worker, hook_url):
    empty = create_project(api, width=160, height=90)
    export = ok(api.post("/exports/", {"project": empty["url"], "webhook": hook_url,
                                       "json": {"webhook-form-urlencoded": True}}, format="json"), 201)
    wait_for_export(api, export)
    assert wait_for_webhook_answer(api, export).startswith("200:")
    content_type, body = Hook.received[0]
    form = parse_qs(body.decode())
    assert content_type == "application/x-www-form-urlencoded"
    assert json.loads(form["json"][0])["status"] == "failed"
    assert json.loads(form["json"][0])["detail"]


def test_a_webhook_to_a_private_address_is_refused_and_the_render_still_completes(api, worker, timeline, settings):
    # Accepted while its network was trusted (a POST checks it now too: tests/test_first_hour_webhooks.py);
    # no longer trusted when the render ends, the delivery's own check refuses it.
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    export = ok(api.post("/exports/", {"project": timeline["url"], "webhook": "http://127.0.0.1:9/x",
                                       "json": {"preset": "ultrafast"}}, format="json"), 201)
    settings.MONTAGE_TRUSTED_NETWORKS = []
    done = wait_for_export(api, export)
    assert done["status"] == "completed"
    recorded = wait_for_webhook_answer(api, export)
    assert recorded.startswith("error:") and "loopback" in recorded


def test_sweeper_requeues_a_render_whose_lease_expired(api, worker, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"], "json": {"preset": "ultrafast"}}, format="json"), 201)
    wait_for_export(api, export)
    # As if a worker had claimed it and died: in progress, lease long expired.
    Export.objects.filter(pk=export["id"]).update(
        status="in-progress", progress=40.0, lease_owner="dead-host:1", lease_expires=timezone.now() - timedelta(minutes=5),
    )
    assert services.export_sweep() == [export["id"]]
    done = wait_for_export(api, export)
    assert done["status"] == "completed" and done["progress"] == 100.0


@pytest.mark.django_db
def test_sweeper_leaves_live_leases_alone(api, timeline):
    export = ok(api.post("/exports/", {"project": timeline["url"]}, format="json"), 201)
    Export.objects.filter(pk=export["id"]).update(
        status="in-progress", lease_owner="alive:1", lease_expires=timezone.now() + timedelta(minutes=1),
    )
    assert services.export_sweep() == []
    assert Export.objects.get(pk=export["id"]).status == "in-progress"
