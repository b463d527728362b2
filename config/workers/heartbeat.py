"""The Dramatiq middleware that keeps a worker process's heartbeat row.

Dramatiq calls it in every worker process: at boot (the row is written),
before and after each message (the job it is running, taken from the
message's actor and args), and at shutdown (the row is removed). All
database writes happen in one background thread, so a slow or locked
database never delays a worker's boot or its jobs; a change wakes the
thread at once, and it beats every WORKER_HEARTBEAT_SECONDS regardless.
In the process that queues a job it logs a warning when no live worker
consumes that queue. Loaded by django_dramatiq before apps are ready, so models are imported
only inside the thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta, timezone as dt_timezone

import dramatiq

log = logging.getLogger("montage.workers")

#: how many characters of a job's args the row keeps (params of a preview can be long)
ARGS_LIMIT = 500


def _now() -> datetime:
    return datetime.now(dt_timezone.utc)


def _args_shown(args) -> list:
    shown = list(args)
    return shown if len(repr(shown)) <= ARGS_LIMIT else [repr(shown)[:ARGS_LIMIT] + "…"]


class Heartbeats(dramatiq.Middleware):
    """Writes and refreshes this process's WorkerProcess row while a worker runs in it."""

    def __init__(self):
        self.hostname = socket.gethostname()
        self._lock = threading.Lock()
        self._workers: list = []
        self._current: dict[str, dict] = {}
        self._started: datetime | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = None

    # --- Dramatiq hooks ---------------------------------------------------------------

    def after_worker_boot(self, broker, worker):
        with self._lock:
            self._workers.append(worker)
            if self._thread is not None and self._thread.is_alive():
                self._wake.set()
                return
            self._started, self._pid = _now(), os.getpid()
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="montage-worker-heartbeat", daemon=True)
            self._thread.start()

    def before_worker_shutdown(self, broker, worker):
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            if self._workers or self._thread is None:
                return
            thread, self._thread = self._thread, None
            self._stop.set()
            self._wake.set()
        thread.join(timeout=5)

    def before_process_message(self, broker, message):
        with self._lock:
            self._current[message.message_id] = {
                "actor": message.actor_name, "args": _args_shown(message.args), "queue": message.queue_name,
                "message_id": message.message_id, "started": _now().isoformat(),
            }
        self._wake.set()

    def after_process_message(self, broker, message, *, result=None, exception=None):
        self._job_done(message)

    def after_skip_message(self, broker, message):
        self._job_done(message)

    def after_enqueue(self, broker, message, delay):
        """In the process that queues a job: say at once when no live worker will take it."""
        queue_name = message.queue_name.removesuffix(".DQ")
        try:
            from config.workers.status import live_queues, no_worker_warning

            if queue_name not in live_queues():
                log.warning("%s %s queued on '%s': %s", message.actor_name, _args_shown(message.args), queue_name,
                            no_worker_warning(queue_name))
        except Exception as error:  # queueing must never fail because the check could not run
            log.debug("worker check skipped for %s: %s", message.message_id, error)

    def _job_done(self, message):
        with self._lock:
            self._current.pop(message.message_id, None)
        self._wake.set()

    # --- the heartbeat thread ----------------------------------------------------------

    def snapshot(self) -> dict:
        """What the row says now: queues, threads and running jobs of every worker in this process."""
        with self._lock:
            queues = sorted({name for worker in self._workers for name in worker.consumers
                             if not name.endswith((".DQ", ".XQ"))})
            threads = sum(worker.worker_threads for worker in self._workers)
            current = sorted(self._current.values(), key=lambda job: job["started"])
        return {"queues": queues, "threads": threads, "current": current}

    def _loop(self):
        from django.conf import settings
        from django.db import close_old_connections, connection

        from config.workers.models import WorkerProcess

        failing = False
        self._forget_dead(WorkerProcess, settings)
        while True:
            stopping = self._stop.is_set()
            try:
                if stopping:
                    WorkerProcess.objects.filter(hostname=self.hostname, pid=self._pid).delete()
                    log.info("worker %s:%s stopped", self.hostname, self._pid)
                else:
                    self._beat(WorkerProcess)
                if failing:
                    log.info("worker heartbeat written again")
                failing = False
            except Exception as error:  # a database hiccup must not end the heartbeat; say it once
                if not failing:
                    log.warning("worker heartbeat not written: %s", error)
                failing = True
            finally:
                close_old_connections()
            if stopping:
                connection.close()
                return
            self._wake.wait(settings.WORKER_HEARTBEAT_SECONDS)
            self._wake.clear()
            self._stop.wait(0.2)  # jobs starting together are written together

    def _beat(self, WorkerProcess):
        state = self.snapshot()
        _, created = WorkerProcess.objects.update_or_create(
            hostname=self.hostname, pid=self._pid,
            defaults={**state, "last_seen": _now()}, create_defaults={**state, "last_seen": _now(),
                                                                      "started": self._started},
        )
        if created:
            log.info("worker %s:%s started: queues %s, %d threads", self.hostname, self._pid,
                     ", ".join(state["queues"]) or "none", state["threads"])

    def _forget_dead(self, WorkerProcess, settings):
        """Remove rows of long-dead workers, and at once those of this host whose process is gone (a reload)."""
        try:
            WorkerProcess.objects.filter(
                last_seen__lt=_now() - timedelta(seconds=settings.WORKER_FORGET_SECONDS)).delete()
            here = WorkerProcess.objects.filter(hostname=self.hostname).exclude(pid=self._pid)
            gone = [pid for pid in here.values_list("pid", flat=True) if not _running(pid)]
            if gone:
                here.filter(pid__in=gone).delete()
        except Exception as error:
            log.warning("old worker rows not removed: %s", error)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
