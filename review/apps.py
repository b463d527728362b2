from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    label = "review"
    verbose_name = "Review"
    default_auto_field = "django.db.models.BigAutoField"
