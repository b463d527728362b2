"""The in-process render worker of the embedded server (no external broker)."""

import dramatiq
from django.conf import settings
from django.utils.module_loading import autodiscover_modules


def start_embedded_worker() -> dramatiq.Worker:
    """Start a Dramatiq worker on the in-process broker (set up by django_dramatiq), in this process."""
    # Actors register when their tasks modules are imported; the worker
    # consumes only the queues it knows about.
    autodiscover_modules(*settings.DRAMATIQ_AUTODISCOVER_MODULES)
    worker = dramatiq.Worker(dramatiq.get_broker(), worker_threads=settings.EMBEDDED_WORKER_THREADS)
    worker.start()
    return worker
