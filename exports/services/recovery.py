"""Recovering renders: the job machine's sweeper, as exports have always called it.

`export_sweep` re-queues exports whose worker stopped renewing its lease
(once per expiry; after JOB_MAX_ATTEMPTS it fails them with the reason)
and re-sends pending ones never picked up; `export_requeue_pending` sends
every pending export again (the in-process broker loses its queue on
restart). The machine (config.jobs.machine) does the work.
"""

from __future__ import annotations

from config.jobs.machine import job_requeue_pending, kind_sweep
from exports.services.attempts import EXPORT_JOB


def export_sweep(*, now=None) -> list[int]:
    """The ids of the exports re-queued (each switched by a conditional UPDATE: one sweeper wins)."""
    return kind_sweep(EXPORT_JOB, now=now)


def export_requeue_pending() -> int:
    return job_requeue_pending(kind=EXPORT_JOB)
