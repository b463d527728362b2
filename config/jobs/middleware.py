"""The sweeper in every worker: a Dramatiq middleware, named in DRAMATIQ_BROKER["MIDDLEWARE"].

django_dramatiq builds the broker, with this middleware, while the apps
load, before any model exists: the machine is imported only when a worker
boots. An in-process broker (StubBroker) starts empty, so at boot every
pending job is sent again; then `job_sweep` runs every
RENDER_SWEEP_SECONDS until the worker shuts down, followed by each app's
registered housekeeping (config.jobs.registry.housekeeping_register).
"""

from __future__ import annotations

import logging
import threading

import dramatiq
from django.conf import settings
from django.db import close_old_connections
from dramatiq.brokers.stub import StubBroker

log = logging.getLogger("montage.jobs")


class JobSweeper(dramatiq.Middleware):
    def __init__(self):
        self._stop = threading.Event()
        self._thread = None

    def after_worker_boot(self, broker, worker):
        from config.jobs.machine import job_requeue_pending

        if isinstance(broker, StubBroker):
            count = job_requeue_pending()
            if count:
                log.info("re-queued %d pending jobs after start (the in-process broker starts empty)", count)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="montage-job-sweeper", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker, worker):
        self._stop.set()

    def _loop(self):
        from config.jobs.machine import job_sweep
        from config.jobs.registry import housekeeping_tasks

        while not self._stop.wait(settings.RENDER_SWEEP_SECONDS):
            try:
                job_sweep()
            except Exception:  # the sweeper must outlive a database hiccup; say what happened
                log.exception("job sweep failed")
            for name, task in housekeeping_tasks().items():
                try:
                    task()
                except Exception:
                    log.exception("housekeeping %s failed", name)
            close_old_connections()
