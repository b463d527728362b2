from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Lower apps announce; notifications listens (never the other way round).
        from notifications.listeners import listen

        listen()
