"""Workers you can see: heartbeat rows, /info/workers/, the admin, `manage.py workers`, and no silent pending.

Issue 13, findings 1 and 9: a render under `runserver` stayed `pending` for
ever without a word, and nothing showed whether any worker was alive.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import time
from datetime import timedelta
from types import SimpleNamespace

import dramatiq
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from config.workers.heartbeat import Heartbeats
from config.workers.models import WorkerProcess
from config.workers.status import live_queues, no_worker_warning
from exports.models import Export
from tests.exports.conftest import running_worker
from tests.factories import create_project, ok

WARNING = "no render worker is running: start one with `python manage.py rundramatiq`, or use `./scripts/serve`"


def beat(*, queues=("renders",), seconds_ago: float = 0.0, pid: int = 4242, current=()) -> WorkerProcess:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerProcess.objects.create(hostname="render-1", pid=pid, queues=list(queues), threads=2, started=seen,
                                        last_seen=seen, current=list(current))


@pytest.fixture
def staff_api(db):
    from rest_framework.test import APIClient

    staff = get_user_model().objects.create_user("stella", password="stella-password-1", is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    return client


@pytest.fixture
def old_pending_export(api, settings):
    """An export pending for longer than a live worker would take to pick it up."""
    project = create_project(api, width=160, height=90)
    export = ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    Export.objects.filter(pk=export["id"]).update(queued_at=timezone.now() - timedelta(minutes=2))
    return export


# --- the heartbeat row ---------------------------------------------------------------------------


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return value


def test_a_running_worker_writes_its_row_and_removes_it_when_it_stops(transactional_db):
    import exports.tasks  # noqa: F401 - the render actors, so the worker consumes their queues

    with running_worker():
        row = wait_for(lambda: WorkerProcess.objects.filter(pid=os.getpid()).first())
        assert row.hostname == socket.gethostname()
        assert "renders" in row.queues and row.threads == 2 and row.is_live()
        assert "renders" in live_queues()
    assert not WorkerProcess.objects.filter(pid=os.getpid()).exists()


def test_the_row_names_the_job_running_now_from_the_message():
    middleware = Heartbeats()
    message = SimpleNamespace(message_id="m-1", actor_name="render_export", args=(7,), queue_name="renders")
    middleware.before_process_message(None, message)
    (job,) = middleware.snapshot()["current"]
    assert (job["actor"], job["args"], job["queue"]) == ("render_export", [7], "renders")
    middleware.after_process_message(None, message, result=None)
    assert middleware.snapshot()["current"] == []


def test_a_row_not_refreshed_is_stale_not_live(db, settings):
    settings.WORKER_STALE_SECONDS = 30
    beat(seconds_ago=120)
    assert live_queues() == set()


# --- GET /info/workers/ --------------------------------------------------------------------------


def test_staff_see_every_process_with_its_current_job(staff_api):
    dramatiq.get_broker().flush_all()  # messages earlier tests in this process left unconsumed
    beat(current=[{"actor": "render_export", "args": [3], "queue": "renders", "message_id": "x", "started": "now"}])
    beat(pid=99, seconds_ago=3600)
    answer = ok(staff_api.get("/info/workers/"))
    assert (answer["live"], answer["stale"]) == (1, 1)
    live = next(process for process in answer["processes"] if process["live"])
    assert live["hostname"] == "render-1" and live["pid"] == 4242 and live["queues"] == ["renders"]
    assert live["current"][0]["actor"] == "render_export" and live["current"][0]["args"] == [3]
    renders = next(queue for queue in answer["queues"] if queue["name"] == "renders")
    assert renders["workers"] == 1 and renders["warning"] is None and renders["length"] == 0


def test_others_see_counts_and_queues_but_no_processes(api, old_pending_export):
    answer = ok(api.get("/info/workers/"))
    assert "processes" not in answer and answer["live"] == 0
    renders = next(queue for queue in answer["queues"] if queue["name"] == "renders")
    assert renders["warning"] == WARNING
    assert renders["oldest_pending_seconds"] >= 119  # the oldest pending export's queued_at


def test_queue_lengths_come_from_the_broker(api, transactional_db):
    from exports.tasks import render_export

    broker = dramatiq.get_broker()
    broker.flush_all()
    try:
        render_export.send(123456)
        renders = next(queue for queue in ok(api.get("/info/workers/"))["queues"] if queue["name"] == "renders")
        assert renders["length"] == 1
    finally:
        broker.flush_all()


def test_anonymous_clients_get_401(anonymous):
    assert anonymous.get("/info/workers/").status_code == 401


# --- the export says so ----------------------------------------------------------------------------


def test_an_export_pending_with_no_live_worker_carries_the_warning(api, old_pending_export):
    assert ok(api.get(old_pending_export["url"]))["json"]["warning"] == WARNING
    (listed,) = ok(api.get("/exports/"))["results"]
    assert listed["json"]["warning"] == WARNING


def test_no_warning_while_a_live_worker_serves_renders(api, old_pending_export):
    beat()
    assert "warning" not in ok(api.get(old_pending_export["url"]))["json"]


def test_no_warning_for_a_just_queued_export(api):
    project = create_project(api, width=160, height=90)
    export = ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    assert "warning" not in export["json"]


def test_the_list_asks_for_live_workers_once_however_many_exports(api, user, django_assert_num_queries):
    project = create_project(api, width=160, height=90)
    for _ in range(5):
        ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    Export.objects.update(queued_at=timezone.now() - timedelta(minutes=2))
    with django_assert_num_queries(4):  # token, count, page, live workers
        results = ok(api.get("/exports/"))["results"]
    assert len(results) == 5 and all(row["json"]["warning"] == WARNING for row in results)


def test_queueing_a_job_with_no_live_worker_logs_the_warning(db, caplog):
    from exports.tasks import render_export

    broker = dramatiq.get_broker()
    with caplog.at_level(logging.WARNING, logger="montage.workers"):
        render_export.send(987654)
    broker.flush_all()
    assert any(WARNING in record.getMessage() for record in caplog.records), caplog.text


def test_the_warning_names_the_queue_for_other_queues():
    assert no_worker_warning("previews") == (
        "no worker consumes the 'previews' queue: start one with `python manage.py rundramatiq`, or use `./scripts/serve`")


# --- admin and manage.py workers -------------------------------------------------------------------


def test_the_admin_lists_workers_and_queues(db, client):
    beat()
    client.force_login(get_user_model().objects.create_superuser("root", password="root-password-1"))
    page = client.get("/cloud-admin/workers/workerprocess/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "render-1:4242" in text and 'id="queues"' in text and "renders" in text


def test_manage_py_workers_shows_processes_queues_and_the_warning(db):
    beat(queues=("previews",))
    out, err = io.StringIO(), io.StringIO()
    call_command("workers", stdout=out, stderr=err)
    assert "1 live worker process(es), 0 stale" in out.getvalue()
    assert "render-1:4242 live, queues previews" in out.getvalue()
    assert "queue renders: 0 waiting, 0 live worker(s)" in out.getvalue()
    assert WARNING in err.getvalue()


def test_manage_py_workers_json_is_what_staff_get(db):
    import json

    beat()
    out = io.StringIO()
    call_command("workers", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["live"] == 1 and answer["processes"][0]["pid"] == 4242


# --- runserver starts the embedded worker once ------------------------------------------------------


def test_runserver_starts_the_embedded_worker_in_the_serving_process(monkeypatch, settings):
    from django.contrib.staticfiles.management.commands import runserver as staticfiles_runserver
    from django.core.management import load_command_class

    from config.workers.management.commands import runserver

    started = []
    monkeypatch.setattr(runserver, "start_embedded_worker", lambda: started.append("worker"))
    monkeypatch.setattr(staticfiles_runserver.Command, "inner_run", lambda self, *args, **options: None)
    settings.DRAMATIQ_BROKER_URL = ""
    command = load_command_class("config.workers", "runserver")
    assert isinstance(command, runserver.Command)  # ours, not staticfiles' (app order in INSTALLED_APPS)
    command.stdout = io.StringIO()
    monkeypatch.delenv("RUN_MAIN", raising=False)  # the autoreloader's parent only watches files
    command.inner_run(use_reloader=True)
    assert started == []
    monkeypatch.setenv("RUN_MAIN", "true")  # the autoreloader's child, which serves
    command.inner_run(use_reloader=True)
    assert started == ["worker"]


def test_manage_py_runserver_is_ours():
    from django.core.management import get_commands

    assert get_commands()["runserver"] == "config.workers"


def test_the_server_warns_at_start_when_no_worker_serves_renders(db, caplog):
    from config.worker import warn_if_no_render_worker

    with caplog.at_level(logging.WARNING, logger="montage.workers"):
        assert warn_if_no_render_worker() is True
    assert WARNING in caplog.text
    beat()
    assert warn_if_no_render_worker() is False
