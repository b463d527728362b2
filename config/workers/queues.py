"""How many messages wait in a queue, on whichever broker is configured, and since when.

The broker knows lengths (StubBroker's in-process queues, Redis lists,
RabbitMQ's declared message counts). How long the oldest job has waited,
the job machine knows: each registered job kind (config.jobs) names its
actor, whose queue it travels on, and its rows' `queued_at` (for renders:
the oldest pending `Export.queued_at`).
"""

from __future__ import annotations

import logging
from datetime import datetime

import dramatiq
from django.db.models import Min

from config.jobs.models import JobStatus
from config.jobs.registry import job_kinds

log = logging.getLogger("montage.workers")


def pending_since(queue_name: str, broker=None) -> datetime | None:
    """When the longest-waiting pending job of any kind travelling on `queue_name` was queued."""
    broker = broker or dramatiq.get_broker()
    oldest = []
    for kind in job_kinds():
        try:
            actor = broker.get_actor(kind.actor_name)
        except Exception:  # a kind whose actor this process has not declared: not on this queue here
            continue
        if actor.queue_name == queue_name:
            since = kind.rows().filter(status=JobStatus.PENDING).aggregate(oldest=Min("queued_at"))["oldest"]
            if since is not None:
                oldest.append(since)
    return min(oldest, default=None)


def known_queues(broker) -> set[str]:
    """Queues the actors of this process are declared on."""
    return {name for name in broker.get_declared_queues() if not name.endswith((".DQ", ".XQ"))}


def queue_length(broker, queue_name: str) -> int | None:
    """Messages waiting on the queue (not yet taken by a worker); None when the broker cannot say."""
    from dramatiq.brokers.stub import StubBroker

    try:
        if isinstance(broker, StubBroker):
            queue = broker.queues.get(queue_name)
            return queue.qsize() if queue is not None else 0
        kind = type(broker).__name__
        if kind == "RedisBroker":
            return int(broker.client.llen(f"{broker.namespace}:{queue_name}"))
        if kind == "RabbitmqBroker":
            return int(broker.get_queue_message_counts(queue_name)[0])
    except Exception as error:  # a broker that does not answer is shown as unknown, not a 500
        log.warning("length of queue %s unknown: %s", queue_name, error)
    return None
