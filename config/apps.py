"""The project-wide app: cross-cutting models and start-up hooks."""

from django.apps import AppConfig


class MontageConfig(AppConfig):
    name = "config"
    label = "montage"
    verbose_name = "Montage"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed
        from django.urls import register_converter

        from config.api.ids import IdConverter

        from config.api.throttles import login_failure_record

        # Every password check (tokens, Basic, session and admin logins) ends in
        # authenticate(), whose failure signal is the one place to count them.
        user_login_failed.connect(login_failure_record, dispatch_uid="montage-login-failures")
        # `<id:pk>` in every app's hand-written routes: the same strict grammar as the routers'.
        register_converter(IdConverter, "id")
