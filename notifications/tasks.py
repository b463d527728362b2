"""The notification actor: thin, a delivery id in and one attempt; its job kind is registered here.

Retries belong to the delivery's own backoff (notifications.delivery), so
the broker never re-runs a message on its own.
"""

import dramatiq

from config.jobs.registry import job_kind_register
from notifications import delivery


@dramatiq.actor(queue_name="notifications", max_retries=0, time_limit=120_000)
def deliver_notification(delivery_id: int) -> None:
    delivery.delivery_attempt(delivery_id=delivery_id)


job_kind_register(delivery.NOTIFICATION_JOB)
