"""Renders on the job machine: attempts counted, a render whose workers keep dying ends failed saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from exports import services
from exports.models import Export
from tests.factories import create_clip, create_project, ok, upload_file


@pytest.fixture
def export(api, video_path):
    project = create_project(api, width=160, height=90)
    create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    return ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)


def dead_worker(export: dict, attempts: int) -> None:
    Export.objects.filter(pk=export["id"]).update(status="in-progress", attempts=attempts, lease_owner="dead-host:1",
                                                  lease_expires=timezone.now() - timedelta(minutes=1))


@pytest.mark.django_db
def test_each_lease_expiry_re_queues_the_render_until_the_last_attempt(api, export, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    for attempts in (1, 2):
        dead_worker(export, attempts)
        assert services.export_sweep() == [export["id"]]
        assert ok(api.get(export["url"]))["status"] == "pending"
    dead_worker(export, 3)
    assert services.export_sweep() == []
    failed = ok(api.get(export["url"]))
    assert failed["status"] == "failed"
    assert failed["json"]["error"].startswith("The worker running this export stopped responding 3 times")


@pytest.mark.django_db
def test_a_retry_starts_the_attempts_again(api, export, settings):
    settings.JOB_MAX_ATTEMPTS = 1
    dead_worker(export, 1)
    assert services.export_sweep() == []
    assert ok(api.get(export["url"]))["status"] == "failed"
    ok(api.post(export["url"] + "retry/"))
    retried = ok(api.get(export["url"]))
    assert retried["status"] == "pending" and retried["json"]["retries"] == 1 and "error" not in retried["json"]
    assert Export.objects.get(pk=export["id"]).attempts == 0


@pytest.mark.django_db
def test_a_claim_counts_an_attempt_and_a_second_worker_loses(export):
    assert services.export_claim(export_id=export["id"], worker="first:1") is True
    assert services.export_claim(export_id=export["id"], worker="second:2") is False
    row = Export.objects.get(pk=export["id"])
    assert (row.status, row.lease_owner, row.attempts) == ("in-progress", "first:1", 1) and row.started_at
