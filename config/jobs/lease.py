"""Keeping a job's lease while a long step runs without progress reports.

While ffmpeg runs, its progress reports renew the lease (`JobReporter`).
Storing a multi-gigabyte output in S3, delivering it to a client's bucket
or downloading a large source takes minutes with no such reports, and a
lease left to expire means "worker dead" to the sweeper, which would run
the job again. `JobLease` renews the lease from a background thread for
the duration of such a step, and sets `cancelled` as soon as the job
stops being in progress (a cancel request), so the step can stop early.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import DatabaseError, connection

from config.jobs.machine import lease_renewal
from config.jobs.models import JobStatus
from config.jobs.registry import JobKind


class JobLease:
    def __init__(self, kind: JobKind, pk: int, *, interval: float | None = None):
        self.kind = kind
        self.pk = pk
        self.cancelled = threading.Event()
        self.interval = interval or max(0.5, min(5.0, settings.RENDER_LEASE_SECONDS / 3))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"montage-lease-{kind.name}-{pk}", daemon=True)

    def __enter__(self) -> JobLease:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    renewed = self.kind.rows().filter(pk=self.pk, status=JobStatus.IN_PROGRESS).update(
                        **lease_renewal(self.kind))
                except DatabaseError:
                    connection.close()  # try again with a fresh connection next time
                    continue
                if not renewed:
                    self.cancelled.set()
        finally:
            connection.close()  # this thread's own connection
