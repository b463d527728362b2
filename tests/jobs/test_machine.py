"""The job machine: claim with a lease, progress, cancel, finish or fail, and the sweeper's recovery.

A test kind of `Job` rows is registered with a recording `on_failed`
hook; messages are recorded instead of sent, so the tests see exactly
what the machine queues.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import dramatiq
import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from config.jobs import machine
from config.jobs.lease import JobLease
from config.jobs.machine import (
    JobFailed,
    JobReporter,
    JobStateError,
    job_cancel,
    job_claim,
    job_create,
    job_run,
    job_sweep,
    kind_sweep,
)
from config.jobs.middleware import JobSweeper
from config.jobs.models import Job
from config.jobs.registry import JobKind, job_kind, job_kind_register

FAILURES: list[tuple[int, str]] = []
KIND = JobKind(name="test-kind", model=Job, actor_name="test_kind_actor", noun="test job",
               on_failed=lambda pk, reason: FAILURES.append((pk, reason)))


@pytest.fixture(autouse=True)
def test_kind(monkeypatch):
    FAILURES.clear()
    job_kind_register(KIND)
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(machine, "job_send", lambda *, kind, pk: sent.append((kind.name, pk)))
    yield sent


@pytest.fixture
def jobs_log():
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("montage.jobs")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def lines(records) -> list[str]:
    return [record.getMessage() for record in records]


def expire(job: Job, **fields) -> None:
    Job.objects.filter(pk=job.pk).update(lease_expires=timezone.now() - timedelta(seconds=1), **fields)


@pytest.mark.django_db
def test_a_new_job_is_pending_and_sent_after_commit(test_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_create(kind=KIND.name, target="projects.project:1", key="k", params={"a": 1})
        assert test_kind == [], "not before the commit"
    assert job.status == "pending" and job.queued_at is not None and job.attempts == 0
    assert len(callbacks) == 1 and test_kind == [(KIND.name, job.pk)]


@pytest.mark.django_db
def test_exactly_one_worker_claims_a_job_and_each_claim_is_an_attempt():
    job = job_create(kind=KIND.name)
    assert job_claim(kind=KIND, pk=job.pk, worker="one:1") is True
    assert job_claim(kind=KIND, pk=job.pk, worker="two:2") is False
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.attempts) == ("in-progress", "one:1", 1)
    assert job.lease_expires > timezone.now() and job.started_at is not None


@pytest.mark.django_db
def test_progress_is_written_throttled_and_renews_the_lease():
    job = job_create(kind=KIND.name)
    job_claim(kind=KIND, pk=job.pk)
    Job.objects.filter(pk=job.pk).update(lease_expires=timezone.now())
    reporter = JobReporter(KIND, job.pk)
    reporter.progress(40.0)
    reporter.progress(60.0)  # within half a second: not written
    job.refresh_from_db()
    assert job.progress == 40.0
    assert job.lease_expires > timezone.now() + timedelta(seconds=django_settings.RENDER_LEASE_SECONDS / 2)


@pytest.mark.django_db
def test_a_cancel_request_is_seen_by_the_running_job_within_a_quarter_second():
    job = job_create(kind=KIND.name)
    job_claim(kind=KIND, pk=job.pk)
    reporter = JobReporter(KIND, job.pk)
    assert reporter.should_cancel() is False
    assert job_cancel(kind=KIND, pk=job.pk) == "cancel"
    time.sleep(JobReporter.CHECK_EVERY)
    assert reporter.should_cancel() is True


@pytest.mark.django_db
def test_cancelling_a_pending_job_fails_it_at_once_and_an_ended_one_cannot_be_cancelled():
    job = job_create(kind=KIND.name)
    assert job_cancel(kind=KIND, pk=job.pk) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "cancelled") and job.finished_at is not None
    assert FAILURES == [(job.pk, "cancelled")]
    with pytest.raises(JobStateError) as raised:
        job_cancel(kind=KIND, pk=job.pk)
    assert raised.value.status == "failed"


@pytest.mark.django_db
def test_job_run_records_the_result_or_the_reason():
    done = job_create(kind=KIND.name)
    job_run(kind=KIND.name, pk=done.pk, work=lambda job, reporter: {"storage_name": "a.png"})
    done.refresh_from_db()
    assert (done.status, done.progress, done.result, done.lease_owner) == ("completed", 100.0, {"storage_name": "a.png"}, "")

    def refuse(job, reporter):
        raise JobFailed("The project has no clips.")

    failed = job_create(kind=KIND.name)
    job_run(kind=KIND.name, pk=failed.pk, work=refuse)
    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("failed", "The project has no clips.")


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_as_a_bug_logged_once(jobs_log):
    job = job_create(kind=KIND.name)

    def broken(job, reporter):
        raise ZeroDivisionError("division by zero")

    job_run(kind=KIND.name, pk=job.pk, work=broken)
    job.refresh_from_db()
    assert job.status == "failed" and "unexpected error in Montage (ZeroDivisionError)" in job.error
    assert [record.exc_info[0] for record in jobs_log if record.exc_info] == [ZeroDivisionError]


@pytest.mark.django_db
def test_the_sweeper_requeues_a_dead_workers_job_once_per_lease_expiry(test_kind, jobs_log):
    job = job_create(kind=KIND.name)
    test_kind.clear()
    job_claim(kind=KIND, pk=job.pk, worker="dead-host:123")
    expire(job)
    assert kind_sweep(KIND) == [job.pk]
    assert kind_sweep(KIND) == []  # the same expiry never re-queues twice
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.lease_expires) == ("pending", "", None)
    assert test_kind == [(KIND.name, job.pk)]
    assert f"test job {job.pk} re-queued: worker dead-host:123 stopped renewing its lease (attempt 2 of 3)" in lines(jobs_log)


@pytest.mark.django_db
def test_after_the_last_attempt_the_sweeper_fails_the_job_saying_why(settings, test_kind):
    settings.JOB_MAX_ATTEMPTS = 2
    job = job_create(kind=KIND.name)
    for attempt in range(2):
        assert job_claim(kind=KIND, pk=job.pk, worker=f"dying:{attempt}")
        expire(job)
        requeued = kind_sweep(KIND)
    assert requeued == []
    job.refresh_from_db()
    assert job.status == "failed" and job.attempts == 2
    assert job.error.startswith("The worker running this test job stopped responding 2 times")
    assert FAILURES == [(job.pk, job.error)]


@pytest.mark.django_db
def test_a_cancel_whose_worker_died_ends_failed_cancelled():
    job = job_create(kind=KIND.name)
    job_claim(kind=KIND, pk=job.pk)
    job_cancel(kind=KIND, pk=job.pk)
    expire(job)
    assert kind_sweep(KIND) == []
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "cancelled")


@pytest.mark.django_db
def test_a_pending_job_whose_message_was_lost_is_sent_again(settings, test_kind):
    job = job_create(kind=KIND.name)
    test_kind.clear()
    assert kind_sweep(KIND) == []
    Job.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - timedelta(seconds=settings.RENDER_PENDING_RESEND_SECONDS + 1))
    assert job_sweep()[KIND.name] == [job.pk]
    assert test_kind == [(KIND.name, job.pk)]


@pytest.mark.django_db(transaction=True)
def test_the_lease_renewer_keeps_a_long_step_alive_and_notices_a_cancel():
    job = job_create(kind=KIND.name)
    job_claim(kind=KIND, pk=job.pk)
    Job.objects.filter(pk=job.pk).update(lease_expires=timezone.now())
    with JobLease(KIND, job.pk, interval=0.1) as lease:
        time.sleep(0.3)
        assert Job.objects.get(pk=job.pk).lease_expires > timezone.now()
        job_cancel(kind=KIND, pk=job.pk)
        assert lease.cancelled.wait(2.0)


def test_the_sweeper_is_broker_middleware_from_the_settings_not_an_import_side_effect():
    import exports.tasks  # noqa: F401 - importing the actors again must not add a sweeper

    assert "config.jobs.middleware.JobSweeper" in django_settings.DRAMATIQ_BROKER["MIDDLEWARE"]
    sweepers = [m for m in dramatiq.get_broker().middleware if isinstance(m, JobSweeper)]
    assert len(sweepers) == 1


def test_every_app_registers_its_kinds_at_start_up():
    assert job_kind("export").actor_name == "render_export"
    assert job_kind("project-frame").actor_name == "render_project_frame"
    with pytest.raises(LookupError):
        job_kind("no-such-kind")
