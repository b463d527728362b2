"""/subscriptions/: a user's notification receivers, and each one's delivery attempts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from config.api.viewsets import OwnedModelViewSet
from notifications.api.serializers import DeliveryAttemptSerializer, SubscriptionSerializer
from notifications.models import DeliveryAttempt, Subscription


class SubscriptionViewSet(OwnedModelViewSet):
    """Signed webhooks for review events: each event is POSTed as JSON with X-Montage-Event,
    X-Montage-Delivery and X-Montage-Signature headers, retried with exponential backoff."""

    queryset = Subscription.objects.all()
    serializer_class = SubscriptionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(responses={200: DeliveryAttemptSerializer(many=True)},
                   description="Every delivery attempt (newest first): time, status code, answer head, duration.")
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        subscription = self.get_object()
        attempts = DeliveryAttempt.objects.filter(delivery__subscription=subscription).select_related("delivery")
        page = self.paginate_queryset(attempts)
        return self.get_paginated_response(DeliveryAttemptSerializer(page, many=True).data)
