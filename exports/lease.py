"""Keeping a render's lease while a long step runs outside ffmpeg.

While ffmpeg runs, its progress reports renew the export's lease. Storing a
multi-gigabyte output in S3 or delivering it to a client's bucket takes
minutes with no such reports, and a lease left to expire means "worker
dead" to the sweeper, which would render the export again. `ExportLease`
renews the lease from a background thread for the duration of such a
step, and sets `cancelled` as soon as the export stops being in progress
(a cancel request), so the step can stop early.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from exports.models import Export, ExportStatus


class ExportLease:
    def __init__(self, export: Export, *, interval: float | None = None):
        self.export_id = export.pk
        self.cancelled = threading.Event()
        self.interval = interval or max(0.5, min(5.0, settings.RENDER_LEASE_SECONDS / 3))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"montage-lease-{export.pk}", daemon=True)

    def __enter__(self) -> ExportLease:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    renewed = Export.objects.filter(pk=self.export_id, status=ExportStatus.IN_PROGRESS).update(
                        lease_expires=timezone.now() + timedelta(seconds=settings.RENDER_LEASE_SECONDS),
                    )
                except DatabaseError:
                    connection.close()  # try again with a fresh connection next time
                    continue
                if not renewed:
                    self.cancelled.set()
        finally:
            connection.close()  # this thread's own connection
