"""How many messages wait in a queue, on whichever broker is configured, and since when.

The broker knows lengths (StubBroker's in-process queues, Redis lists,
RabbitMQ's declared message counts). How old the oldest waiting job is,
only the app that owns the job knows: apps register a function per queue
(`pending_since_register`, e.g. exports for "renders": the oldest pending
`Export.queued_at`), so this shared layer imports no app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger("montage.workers")

_PENDING_SINCE: dict[str, Callable[[], datetime | None]] = {}


def pending_since_register(queue_name: str, oldest: Callable[[], datetime | None]) -> None:
    """Announce how to find when the oldest job still waiting on `queue_name` was queued."""
    _PENDING_SINCE[queue_name] = oldest


def pending_since(queue_name: str) -> datetime | None:
    oldest = _PENDING_SINCE.get(queue_name)
    return oldest() if oldest else None


def known_queues(broker) -> set[str]:
    """Queues actors in this process are declared on, and those an app registered."""
    return {name for name in broker.get_declared_queues() if not name.endswith((".DQ", ".XQ"))} | set(_PENDING_SINCE)


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
