"""The in-process worker of the embedded server (no external broker).

Its broker (set up by django_dramatiq from DRAMATIQ_BROKER) carries the
job machine's sweeper middleware, which, as the in-process queue starts
empty, re-sends every pending job when this worker boots.
"""

import dramatiq
from django.conf import settings


def start_embedded_worker() -> dramatiq.Worker:
    """Start a Dramatiq worker on the in-process broker, in this process.

    The actors are registered already: every app's `tasks.py` is imported
    at start-up (config.jobs.apps), and the worker consumes the queues of
    the actors it knows.
    """
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=settings.EMBEDDED_WORKER_THREADS)
    worker.start()
    return worker
