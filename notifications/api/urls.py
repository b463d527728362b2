"""Routes of notifications: /subscriptions/ (the API root lists it) and /subscriptions/<id>/deliveries/."""

from notifications.api.views import SubscriptionViewSet


def register(router) -> None:
    router.register("subscriptions", SubscriptionViewSet, basename="subscription")


urlpatterns: list = []
