"""A Dramatiq worker inside the server process: the embedded set-up's renders, and `serve`'s default.

Its broker (set up by django_dramatiq from DRAMATIQ_BROKER) carries the
job machine's sweeper middleware, which, as the in-process queue starts
empty, re-sends every pending job when this worker boots. On the
in-process broker (no DRAMATIQ_BROKER_URL) it is the only worker there can
be; on Redis or RabbitMQ it is one more consumer of the shared queues,
beside any `rundramatiq` processes.
"""

import logging

import dramatiq
from django.conf import settings

log = logging.getLogger("montage.workers")


def start_embedded_worker() -> dramatiq.Worker:
    """Start a Dramatiq worker on the configured broker, in this process.

    The actors are registered already: every app's `tasks.py` is imported
    at start-up (config.jobs.apps), and the worker consumes the queues of
    the actors it knows.
    """
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=settings.EMBEDDED_WORKER_THREADS)
    worker.start()
    return worker


def stop_embedded_worker(worker: dramatiq.Worker, *, timeout_seconds: float = 10.0) -> None:
    """Stop it, waiting a little for running jobs; a render cut short is recovered by the job sweeper."""
    worker.stop(timeout=int(timeout_seconds * 1000))


def warn_if_no_render_worker() -> bool:
    """Log, once at start, that renders will wait for ever when no live worker consumes their queue."""
    from config.workers.status import RENDER_QUEUE, live_queues, no_worker_warning

    if RENDER_QUEUE in live_queues():
        return False
    log.warning(no_worker_warning(RENDER_QUEUE))
    return True
