"""The project-wide app: cross-cutting models and start-up hooks."""

from django.apps import AppConfig


class MontageConfig(AppConfig):
    name = "config"
    label = "montage"
    verbose_name = "Montage"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from config.tokens import ensure_token_for_new_user

        # Users are made by the admin, createsuperuser, the embedded start-up
        # and tests alike; a post_save receiver is the one hook they all
        # pass through, so every user has a token from creation on.
        post_save.connect(ensure_token_for_new_user, sender=get_user_model(), dispatch_uid="montage-user-token")
