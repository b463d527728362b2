from django.contrib import admin
from django.db import models

from notifications.models import Delivery, DeliveryAttempt, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "target_url", "is_active", "date_created"]
    list_filter = ["is_active"]
    search_fields = ["target_url", "owner__username"]
    exclude = ["secret"]
    readonly_fields = ["owner"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["time", "status_code", "answer_head", "error", "duration"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "delivery_id", "subscription", "status", "attempts", "date_created"]
    list_filter = ["status", "event"]
    readonly_fields = ["subscription", "delivery_id", "event", "body", "error", "status", "attempts", "queued_at",
                       "started_at", "finished_at"]
    exclude = ["progress", "lease_owner", "lease_expires"]
    inlines = [AttemptInline]
