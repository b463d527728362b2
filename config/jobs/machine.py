"""The job machine: queue, claim with a lease, report progress, cancel, finish or fail, and recover.

A job is `pending` until a worker claims it with a conditional UPDATE (so
exactly one worker wins) and holds a lease (`in-progress`) that progress
reports renew. `cancel` is a request the running job sees within a
fraction of a second (`JobReporter.should_cancel`; the ffmpeg runner then
stops its process group). The job ends `completed` (progress exactly 100)
or `failed` with a reason. The sweeper (`job_sweep`, run by
`config.jobs.middleware.JobSweeper` in every worker) re-queues a job whose
worker stopped renewing its lease, once per expiry, and after
JOB_MAX_ATTEMPTS started attempts fails it with a reason a person
understands; it also re-sends pending jobs whose message was lost.
Queueing always waits for the commit. Every event is one line on the
`montage.jobs` logger.

The timings are the render settings' (renders were the first job):
RENDER_LEASE_SECONDS, RENDER_SWEEP_SECONDS, RENDER_PENDING_RESEND_SECONDS.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any, Callable

import dramatiq
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.jobs.models import Job, JobStatus
from config.jobs.registry import JobKind, job_kind, job_kinds

log = logging.getLogger("montage.jobs")

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
CANCELLED = "cancelled"


class JobStateError(Exception):
    """The job is not in a state that allows this; `status` is the state it is in."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def _touch(kind: JobKind, now) -> dict:
    return {"date_updated": now} if any(f.name == "date_updated" for f in kind.model._meta.fields) else {}


def lease_renewal(kind: JobKind) -> dict:
    """The UPDATE that renews a lease (and marks the row touched)."""
    now = timezone.now()
    return {"lease_expires": now + timedelta(seconds=settings.RENDER_LEASE_SECONDS), **_touch(kind, now)}


def max_attempts() -> int:
    return max(1, int(getattr(settings, "JOB_MAX_ATTEMPTS", 3)))


# --- queueing ----------------------------------------------------------------------------------


def job_send(*, kind: JobKind, pk: int) -> None:
    """Send the kind's actor a message now (the actor is looked up by name: no import of the app's tasks)."""
    dramatiq.get_broker().get_actor(kind.actor_name).send(pk)


def job_enqueue(*, kind: JobKind, pk: int) -> None:
    """Send the job's message once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: job_send(kind=kind, pk=pk))


def job_create(*, kind: str, target: str = "", key: str = "", params: dict | None = None) -> Job:
    """A new pending `Job` row of `kind`, queued after commit."""
    registered = job_kind(kind)
    with transaction.atomic():
        job = Job.objects.create(kind=kind, target=target, key=key, params=params or {}, queued_at=timezone.now())
        job_enqueue(kind=registered, pk=job.pk)
    log.info("%s queued%s", registered.describe(job.pk), f" for {target}" if target else "")
    return job


# --- the worker side ---------------------------------------------------------------------------


def job_claim(*, kind: JobKind, pk: int, worker: str = WORKER_ID) -> bool:
    """Take a pending job for this worker (one attempt more); False if another worker has it or it is gone."""
    now = timezone.now()
    claimed = kind.rows().filter(pk=pk, status=JobStatus.PENDING).update(
        status=JobStatus.IN_PROGRESS, progress=0.0, lease_owner=worker, attempts=F("attempts") + 1,
        started_at=now, finished_at=None, **lease_renewal(kind),
    )
    if claimed:
        log.info("%s started on %s", kind.describe(pk), worker)
    else:
        log.info("%s not started by %s: no longer pending", kind.describe(pk), worker)
    return bool(claimed)


class JobReporter:
    """Writes progress and renews the lease, at most every half second; answers 'cancelled?'.

    Give `on_progress`/`should_cancel` to the ffmpeg runner; a cancel
    request (or a row gone or failed meanwhile) is seen within 0.25 s.
    """

    WRITE_EVERY = 0.5
    CHECK_EVERY = 0.25

    def __init__(self, kind: JobKind, pk: int):
        self.kind = kind
        self.pk = pk
        self.last_write = 0.0
        self.last_check = 0.0
        self.cancelled = False
        self.milestone = 0

    def progress(self, percent: float) -> None:
        now = time.monotonic()
        if now - self.last_write < self.WRITE_EVERY:
            return
        self.last_write = now
        percent = max(0.0, min(float(percent), 99.9))
        self.kind.rows().filter(pk=self.pk, status=JobStatus.IN_PROGRESS).update(
            progress=round(percent, 1), **lease_renewal(self.kind))
        while self.milestone + 25 <= percent and self.milestone < 75:
            self.milestone += 25
            log.info("%s progress %d%%", self.kind.describe(self.pk), self.milestone)

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self.last_check >= self.CHECK_EVERY:
            self.last_check = now
            status = self.kind.rows().filter(pk=self.pk).values_list("status", flat=True).first()
            self.cancelled = status in (JobStatus.CANCEL, JobStatus.FAILED, None)
        return self.cancelled


def finished_fields() -> dict:
    """The columns every finished job clears or sets (for a kind that writes its end itself)."""
    return {"lease_owner": "", "lease_expires": None, "finished_at": timezone.now()}


def job_finish(*, kind: JobKind, pk: int, **fields: Any) -> bool:
    """Mark a running job completed (with `fields`, e.g. result=...); False if it was cancelled or taken away."""
    done = kind.rows().filter(pk=pk, status=JobStatus.IN_PROGRESS).update(
        status=JobStatus.COMPLETED, progress=100.0, **finished_fields(), **_touch(kind, timezone.now()), **fields)
    if done:
        log.info("%s completed", kind.describe(pk))
    return bool(done)


def job_fail(*, kind: JobKind, pk: int, reason: str, from_statuses=(JobStatus.PENDING, JobStatus.IN_PROGRESS,
                                                                     JobStatus.CANCEL)) -> bool:
    """Fail an unfinished job with `reason` (the kind's `on_failed` records it); False if it had ended."""
    failed = kind.rows().filter(pk=pk, status__in=from_statuses).update(
        status=JobStatus.FAILED, **_reason(kind, reason), **finished_fields(), **_touch(kind, timezone.now()))
    if failed:
        _record_failure(kind, pk, reason)
    return bool(failed)


def _reason(kind: JobKind, reason: str) -> dict:
    """A `Job` row's reason goes in the same UPDATE as its status: a reader never sees it failed without one."""
    return {"error": reason} if kind.model is Job else {}


def _record_failure(kind: JobKind, pk: int, reason: str) -> None:
    """The kind's own record of the reason (an Export's `json.error`, its webhook)."""
    if kind.on_failed is not None:
        kind.on_failed(pk, reason)


class JobFailed(Exception):
    """Raised by a job's work: it cannot be done, and the message says why (for the client)."""


class JobCancelled(Exception):
    """Raised by a job's work when its reporter says the job was cancelled."""


def job_run(*, kind: str, pk: int, work: Callable[[Job, JobReporter], dict], worker: str = WORKER_ID) -> None:
    """Run one `Job` row: claim it, call `work(job, reporter)` for its result, record how it ended.

    A result's `storage_name` names an object the job stored and owns: it
    is deleted with the job's target (`job_delete_for_target`), or at once
    if the job was cancelled or deleted before it could finish.

    `work` raises `JobFailed` with a reason for the client; any other
    exception is a bug: logged once with its traceback, the job failed with
    a plain sentence (re-running it would only fail again).
    """
    registered = job_kind(kind)
    if not job_claim(kind=registered, pk=pk, worker=worker):
        return
    job = Job.objects.get(pk=pk)
    reporter = JobReporter(registered, pk)
    try:
        result = work(job, reporter)
    except JobCancelled:
        job_fail(kind=registered, pk=pk, reason=CANCELLED)
        log.info("%s cancelled", registered.describe(pk))
        return
    except JobFailed as error:
        job_fail(kind=registered, pk=pk, reason=str(error))
        log.warning("%s failed: %s", registered.describe(pk), error)
        return
    except Exception as error:  # noqa: BLE001 - every job ends in its row
        log.error("%s failed on an unexpected error", registered.describe(pk), exc_info=error)
        job_fail(kind=registered, pk=pk, reason=(
            f"The job stopped on an unexpected error in Montage ({type(error).__name__}); this is a bug in "
            "Montage and it has been logged."))
        return
    if not job_finish(kind=registered, pk=pk, result=result):
        # Cancelled while finishing, or deleted with its target: what it stored must not linger.
        if (result or {}).get("storage_name"):
            default_storage.delete(result["storage_name"])
        job_fail(kind=registered, pk=pk, reason=CANCELLED, from_statuses=(JobStatus.CANCEL,))


# --- cancelling --------------------------------------------------------------------------------


def job_cancel(*, kind: JobKind, pk: int) -> str:
    """Ask a job to stop: a pending one fails "cancelled" at once, a running one is asked (status `cancel`).

    Returns the status now; JobStateError for a job that already ended.
    """
    if job_fail(kind=kind, pk=pk, reason=CANCELLED, from_statuses=(JobStatus.PENDING,)):
        log.info("%s cancelled while pending", kind.describe(pk))
        return JobStatus.FAILED
    if kind.rows().filter(pk=pk, status=JobStatus.IN_PROGRESS).update(
            status=JobStatus.CANCEL, **_touch(kind, timezone.now())):
        log.info("%s cancel requested", kind.describe(pk))  # its worker stops within a second or two
        return JobStatus.CANCEL
    status = kind.rows().filter(pk=pk).values_list("status", flat=True).first()
    if status == JobStatus.CANCEL:
        return status
    raise JobStateError(status or "deleted")


# --- recovery ----------------------------------------------------------------------------------


def gave_up_reason(kind: JobKind, attempts: int) -> str:
    return (f"The worker running this {kind.noun or kind.name} stopped responding {attempts} times "
            "(it crashed, ran out of memory or was stopped); Montage gave up on it. Retry it, or ask the "
            "administrator to check the workers.")


def kind_sweep(kind: JobKind, *, now=None) -> list[int]:
    """Recover one kind's jobs; the ids re-queued (see `job_sweep`)."""
    now = now or timezone.now()
    rows = kind.rows()
    requeued = []
    stale = rows.filter(status__in=[JobStatus.IN_PROGRESS, JobStatus.CANCEL], lease_expires__lt=now)
    for pk, status, owner, attempts in stale.values_list("id", "status", "lease_owner", "attempts"):
        still_stale = rows.filter(pk=pk, status=status, lease_expires__lt=now)
        if status == JobStatus.CANCEL:
            if still_stale.update(status=JobStatus.FAILED, **_reason(kind, CANCELLED), **finished_fields()):
                log.warning("%s cancelled: worker %s stopped renewing its lease before it stopped",
                            kind.describe(pk), owner)
                _record_failure(kind, pk, CANCELLED)
            continue
        if attempts >= max_attempts():
            if still_stale.update(status=JobStatus.FAILED, **_reason(kind, gave_up_reason(kind, attempts)),
                                  **finished_fields()):
                log.warning("%s failed: worker %s stopped renewing its lease (attempt %d of %d); giving up",
                            kind.describe(pk), owner, attempts, max_attempts())
                _record_failure(kind, pk, gave_up_reason(kind, attempts))
            continue
        if still_stale.update(status=JobStatus.PENDING, progress=0.0, lease_owner="", lease_expires=None,
                              queued_at=now):
            log.warning("%s re-queued: worker %s stopped renewing its lease (attempt %d of %d)",
                        kind.describe(pk), owner, attempts + 1, max_attempts())
            job_send(kind=kind, pk=pk)
            requeued.append(pk)
    resend_before = now - timedelta(seconds=settings.RENDER_PENDING_RESEND_SECONDS)
    lost = rows.filter(status=JobStatus.PENDING, queued_at__lt=resend_before)
    for pk in lost.values_list("id", flat=True):
        if rows.filter(pk=pk, status=JobStatus.PENDING, queued_at__lt=resend_before).update(queued_at=now):
            log.warning("%s sent again: pending since before %s, its message was lost", kind.describe(pk),
                        resend_before.isoformat(timespec="seconds"))
            job_send(kind=kind, pk=pk)
            requeued.append(pk)
    return requeued


def job_sweep(*, now=None) -> dict[str, list[int]]:
    """Recover every kind: re-queue jobs whose worker stopped renewing its lease, resend lost pending ones.

    Each row is switched with a conditional UPDATE, so when several workers
    sweep at once exactly one re-queues (or fails) a given job.
    """
    return {kind.name: kind_sweep(kind, now=now) for kind in job_kinds()}


def job_requeue_pending(*, kind: JobKind | None = None) -> int:
    """Send every pending job again (the embedded broker loses its queue on restart)."""
    count = 0
    for each in [kind] if kind else job_kinds():
        for pk in each.rows().filter(status=JobStatus.PENDING).values_list("id", flat=True):
            job_send(kind=each, pk=pk)
            count += 1
    return count


def job_delete_for_target(*, target: str) -> list[str]:
    """Delete the `Job` rows working on `target`; the storage names their results recorded (to delete)."""
    jobs = Job.objects.filter(target=target)
    names = [name for name in jobs.values_list("result__storage_name", flat=True) if name]
    jobs.delete()
    return names
