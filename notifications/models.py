"""Subscriptions, deliveries and delivery attempts.

A `Subscription` is one user's receiver: a URL (judged by the webhook
guard), the events it wants and the secret its signatures are made with
(kept as given: an HMAC needs it; never shown again). A `Delivery` is one
event for one subscription, with a unique id (`X-Montage-Delivery`) and
the exact JSON body; it is a job row (`JobFields`, kind `notification`),
so the job machine's lease and sweeper look after it. Each POST is a
`DeliveryAttempt`: when, the status code (or the error), the head of the
answer and how long it took.
"""

from __future__ import annotations

import uuid

from django.db import models

from config.jobs.models import JobFields
from config.models import OwnedModel

#: characters of a receiver's answer kept per attempt
ANSWER_HEAD = 1000


class Subscription(OwnedModel):
    target_url = models.URLField(max_length=2048)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=256)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.owner} → {self.target_url}"


class Delivery(JobFields):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=64)
    body = models.TextField(help_text="The JSON POSTed, byte for byte what the signature covers.")
    error = models.TextField(blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "lease_expires"])]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id} ({self.status})"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempts_made")
    time = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    answer_head = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")
    duration = models.FloatField(help_text="Seconds the POST took.")

    class Meta:
        ordering = ["-time", "-id"]

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
