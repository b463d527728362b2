"""How subscriptions and their delivery attempts are validated and represented."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from media_assets.remote import RemoteFailed, RemoteRefused, check_url
from notifications.delivery import notification_policy
from notifications.events import EVENTS
from notifications.models import DeliveryAttempt, Subscription


class SubscriptionSerializer(serializers.HyperlinkedModelSerializer):
    id = serializers.IntegerField(read_only=True)
    target_url = serializers.URLField(max_length=2048, help_text="Where events are POSTed (public addresses only, "
                                                                 "plus MONTAGE_TRUSTED_NETWORKS).")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENTS), allow_empty=False,
                                   max_length=len(EVENTS))
    secret = serializers.CharField(write_only=True, min_length=8, max_length=256, trim_whitespace=False,
                                   help_text="Signs each body: X-Montage-Signature: sha256=<HMAC-SHA256>. Never shown.")
    deliveries = serializers.SerializerMethodField()

    class Meta:
        model = Subscription
        fields = ["url", "id", "target_url", "events", "secret", "is_active", "deliveries", "date_created",
                  "date_updated"]

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_deliveries(self, subscription) -> str:
        path = reverse("subscription-deliveries", kwargs={"pk": subscription.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate_events(self, events):
        return sorted(set(events), key=EVENTS.index)

    def validate_target_url(self, value):
        """Judged now by the guard the delivery uses (as an export's webhook is)."""
        try:
            check_url(value, notification_policy())
        except RemoteRefused as error:
            hint = ""
            if error.reason.startswith("the address"):
                hint = (" Notifications may reach only public addresses; to allow this receiver, add its network "
                        "to MONTAGE_TRUSTED_NETWORKS (e.g. MONTAGE_TRUSTED_NETWORKS=127.0.0.1/32) and restart.")
            raise serializers.ValidationError(f"Refused: {error.reason}.{hint}") from None
        except RemoteFailed:
            pass  # DNS may answer later; each delivery checks the address again
        return value


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    delivery = serializers.UUIDField(source="delivery.delivery_id", read_only=True)
    event = serializers.CharField(source="delivery.event", read_only=True)
    delivery_status = serializers.CharField(source="delivery.status", read_only=True)

    class Meta:
        model = DeliveryAttempt
        fields = ["id", "time", "event", "delivery", "delivery_status", "status_code", "answer_head", "error",
                  "duration"]
