"""The seven events a subscription can ask for, and `event_publish`, which turns one into deliveries.

Who announces each (lower apps, through their hooks; see `listeners`):

* `export.completed`, `export.failed` — exports (`exports.hooks.on_export_finished`), to the export's owner;
* `share.viewed` — sharing (`sharing.hooks.on_share_viewed`), to the link's maker;
* `comment.created`, `comment.resolved`, `comment.mentioned`, `version.added` — review, once it lands.

A body is `{"event", "delivery", "created", "data"}`; `data` is the
event's payload, plain JSON.
"""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.utils import timezone

from config.jobs.machine import job_enqueue
from notifications.delivery import NOTIFICATION_JOB
from notifications.models import Delivery, Subscription

log = logging.getLogger("montage.notifications")

EVENTS = (
    "comment.created",
    "comment.resolved",
    "comment.mentioned",
    "version.added",
    "share.viewed",
    "export.completed",
    "export.failed",
)


def event_publish(*, event: str, user_ids, payload: dict) -> list[Delivery]:
    """A delivery of `event` for every active subscription of `user_ids` that asked for it, queued after commit."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    subscriptions = [each for each in Subscription.objects.filter(owner_id__in=set(user_ids), is_active=True)
                     if event in (each.events or [])]
    deliveries = []
    with transaction.atomic():
        for subscription in subscriptions:
            delivery = Delivery(subscription=subscription, event=event, queued_at=timezone.now())
            delivery.body = json.dumps({"event": event, "delivery": str(delivery.delivery_id),
                                        "created": timezone.now().isoformat(), "data": payload},
                                       sort_keys=True, default=str)
            delivery.save()
            job_enqueue(kind=NOTIFICATION_JOB, pk=delivery.pk)
            deliveries.append(delivery)
    for delivery in deliveries:
        log.info("notification %s queued: %s for subscription %s", delivery.pk, event, delivery.subscription_id)
    return deliveries
