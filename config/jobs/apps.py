"""The job machine's app (label `jobs`): the `Job` table, and where job kinds are registered."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "config.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app declares its actors and registers its job kinds in its
        # `tasks.py` (as the admin's `admin.py`): importing them here, once,
        # means web processes and workers alike know every kind before the
        # first job is queued or swept.
        autodiscover_modules("tasks")
