"""Delivering one event to one subscription, on the job machine, with retries and exponential backoff.

A `Delivery` row is the job (kind `notification`). The worker claims it
(one attempt more), POSTs the body through the webhook guard
(`exports.webhooks.webhook_policy`: public addresses only, plus
MONTAGE_TRUSTED_NETWORKS, re-checked on each redirect) with
`X-Montage-Event`, `X-Montage-Delivery` and `X-Montage-Signature`, and
records the attempt. A 2xx completes it. Anything else puts it back to
pending with its message delayed NOTIFICATION_BACKOFF_SECONDS × 2^(n-1)
(at most NOTIFICATION_BACKOFF_MAX_SECONDS; `queued_at` is set to when it
is due, so the sweeper does not resend it early) until
NOTIFICATION_MAX_ATTEMPTS attempts have failed; then it fails with the
last reason.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import dramatiq
from django.conf import settings
from django.utils import timezone

from config.jobs.machine import finished_fields, job_claim, job_fail, job_finish
from config.jobs.models import JobStatus
from config.jobs.registry import JobKind
from exports.webhooks import webhook_policy
from media_assets.remote import RemoteError, UrlPolicy, post
from notifications.models import ANSWER_HEAD, Delivery, DeliveryAttempt
from notifications.signing import body_signature

log = logging.getLogger("montage.notifications")


def delivery_failure_recorded(pk: int, reason: str) -> None:
    """The job machine failed a delivery (its worker kept dying): keep the reason."""
    Delivery.objects.filter(pk=pk).update(error=reason)


NOTIFICATION_JOB = JobKind(name="notification", model=Delivery, actor_name="deliver_notification",
                           on_failed=delivery_failure_recorded, noun="notification")


def notification_policy() -> UrlPolicy:
    base = webhook_policy()
    return UrlPolicy(max_bytes=base.max_bytes, timeout=settings.NOTIFICATION_TIMEOUT,
                     allowed_networks=base.allowed_networks)


def backoff_seconds(attempt: int) -> float:
    """The delay before attempt `attempt + 1`, after `attempt` failed ones (1-based)."""
    return min(settings.NOTIFICATION_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0),
               settings.NOTIFICATION_BACKOFF_MAX_SECONDS)


def delivery_attempt(*, delivery_id: int) -> None:
    """Worker side: one attempt at a delivery, recorded; then completed, re-queued later, or failed."""
    if not job_claim(kind=NOTIFICATION_JOB, pk=delivery_id):
        return
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    body = delivery.body.encode()
    headers = {
        "X-Montage-Event": delivery.event,
        "X-Montage-Delivery": str(delivery.delivery_id),
        "X-Montage-Signature": body_signature(secret=subscription.secret, body=body),
        "User-Agent": "Montage-Notifications",
    }
    started, when = time.monotonic(), timezone.now()
    status_code, head, error = None, "", ""
    try:
        answer = post(subscription.target_url, body=body, content_type="application/json",
                      policy=notification_policy(), headers=headers)
        status_code, head = answer.status, answer.text[:ANSWER_HEAD]
        if not 200 <= answer.status < 300:
            error = f"the receiver answered {answer.status}"
    except RemoteError as failure:
        error = failure.reason
    DeliveryAttempt.objects.create(delivery=delivery, time=when, status_code=status_code, answer_head=head,
                                   error=error, duration=round(time.monotonic() - started, 4))
    if not error:
        job_finish(kind=NOTIFICATION_JOB, pk=delivery_id, error="")
        return
    attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first() or 0
    if attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery_id).update(error=error)
        job_fail(kind=NOTIFICATION_JOB, pk=delivery_id, reason=error)
        log.warning("notification %s failed after %d attempts: %s", delivery_id, attempts, error)
        return
    delay = backoff_seconds(attempts)
    requeued = Delivery.objects.filter(pk=delivery_id, status=JobStatus.IN_PROGRESS).update(
        status=JobStatus.PENDING, error=error, queued_at=timezone.now() + timedelta(seconds=delay),
        **{key: value for key, value in finished_fields().items() if key != "finished_at"}, finished_at=None)
    if requeued:
        log.info("notification %s attempt %d failed (%s); retrying in %.0f s", delivery_id, attempts, error, delay)
        dramatiq.get_broker().get_actor(NOTIFICATION_JOB.actor_name).send_with_options(
            args=(delivery_id,), delay=int(delay * 1000))
