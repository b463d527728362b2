"""`manage.py runserver` with the embedded broker also runs the in-process render worker.

What every Django developer types first then renders, as `serve` does.
The worker starts in `inner_run`, which runs in the process that serves
(with the autoreloader, the child that RUN_MAIN marks, never the parent
that only watches files), so each reload has exactly one worker. With a
real broker, workers are `rundramatiq` processes; runserver says so when
none is alive.
"""

import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver
from django.utils import autoreload

from config.worker import start_embedded_worker, warn_if_no_render_worker


class Command(StaticfilesRunserver):
    help = StaticfilesRunserver.help + " With the embedded broker (no DRAMATIQ_BROKER_URL), also runs a render worker."

    def inner_run(self, *args, **options):
        if options.get("use_reloader") and os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) != "true":
            return super().inner_run(*args, **options)  # not reached by Django; kept for a clear rule
        if settings.DRAMATIQ_BROKER_URL:
            warn_if_no_render_worker()
        else:
            start_embedded_worker()
            self.stdout.write("Render worker running in-process (embedded broker).")
        return super().inner_run(*args, **options)
