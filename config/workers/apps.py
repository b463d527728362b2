from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "config.workers"
    label = "workers"
    verbose_name = "Workers"
    default_auto_field = "django.db.models.BigAutoField"
