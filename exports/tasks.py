"""Dramatiq actors for renders: thin, an id in and one service call.

Retries belong to the lease and sweeper (the job's state lives in the
Export row), so the broker never re-runs a render on its own.
"""

import logging
import threading

import dramatiq
from dramatiq.brokers.stub import StubBroker
from django.conf import settings
from django.db import close_old_connections

from exports import previews, services

log = logging.getLogger("montage.render")

# Generous: a render enforces its own time limit on the ffmpeg process.
ACTOR_TIME_LIMIT_MS = int((settings.RENDER_MAX_TIME_LIMIT + 600) * 1000)


@dramatiq.actor(queue_name="renders", max_retries=0, time_limit=ACTOR_TIME_LIMIT_MS)
def render_export(export_id: int) -> None:
    services.export_render(export_id=export_id)


@dramatiq.actor(queue_name="previews", max_retries=0, time_limit=120_000)
def render_project_frame(project_id: int, params: dict, target: str) -> None:
    previews.project_frame_render(project_id=project_id, params=params, target=target)


class LeaseSweeper(dramatiq.Middleware):
    """Runs the export sweeper periodically inside every worker process."""

    def __init__(self):
        self._stop = threading.Event()
        self._thread = None

    def after_worker_boot(self, broker, worker):
        if isinstance(broker, StubBroker):
            # An in-process broker starts empty: pending exports lost their messages.
            count = services.export_requeue_pending()
            if count:
                log.info("re-queued %d pending exports after start", count)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="montage-lease-sweeper", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker, worker):
        self._stop.set()

    def _loop(self):
        while not self._stop.wait(settings.RENDER_SWEEP_SECONDS):
            try:
                services.export_sweep()
            except Exception:  # the sweeper must outlive a database hiccup; say what happened
                log.exception("export sweep failed")
            finally:
                close_old_connections()


_sweeper = LeaseSweeper()
dramatiq.get_broker().add_middleware(_sweeper)
