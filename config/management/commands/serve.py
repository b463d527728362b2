"""`manage.py serve`: the embedded Montage server.

Migrates the database, creates an admin user on first start (printing its
password and a new API token, shown only then: `manage.py createtoken`
makes another), starts a render worker in this process and serves
the API with Waitress, logging one line per request. With no
DRAMATIQ_BROKER_URL the broker is in-process and this worker is the only
one; with Redis or RabbitMQ it joins the workers `rundramatiq` starts
(`--no-worker` leaves the rendering to them). Ctrl-C or SIGTERM stops it.
"""

import logging
import secrets
import signal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.tokens import token_create
from config.worker import start_embedded_worker, stop_embedded_worker, warn_if_no_render_worker

log = logging.getLogger("montage.server")


class Command(BaseCommand):
    help = ("Migrate, ensure an admin user, start a render worker in this process and serve HTTP with one log line "
            "per request.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--admin-username", default="admin")
        parser.add_argument("--no-worker", action="store_true",
                            help="Start no render worker here (with a real broker, `rundramatiq` processes render).")

    def handle(self, *args, host, port, threads, admin_username, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self._ensure_admin(admin_username)
        worker = None if no_worker else self._start_worker()
        if worker is None:
            warn_if_no_render_worker()
        settings.MONTAGE_REQUEST_LOG = True  # read when the WSGI handler below loads its middleware
        from waitress import serve

        from config.wsgi import application

        # SIGTERM (docker stop, systemd) ends the server as Ctrl-C does, so the worker is stopped too.
        signal.signal(signal.SIGTERM, _interrupt)
        self.stdout.write(f"Montage is serving on http://{host}:{port}/ (admin: http://{host}:{port}/cloud-admin/)")
        try:
            serve(application, host=host, port=port, threads=threads, channel_timeout=300,
                  max_request_body_size=settings.MONTAGE_MAX_UPLOAD_BYTES, ident="Montage")
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                stop_embedded_worker(worker)
            self.stdout.write("Montage stopped.")

    def _ensure_admin(self, username: str) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return  # its token was shown when it was made (keys are stored only as digests)
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Created admin user '{username}' with password: {password}"))
        _, key = token_create(user=user)
        self.stdout.write(f"API token of '{username}': {key}")

    def _start_worker(self):
        if settings.DRAMATIQ_BROKER_URL:
            where = settings.DRAMATIQ_BROKER_URL.split("@")[-1]
            self.stdout.write(f"Render worker running in-process on broker {where} "
                              "(more with `python manage.py rundramatiq`; --no-worker for none here).")
        else:
            self.stdout.write("Render worker running in-process (embedded broker).")
        return start_embedded_worker()


def _interrupt(signum, frame):
    raise KeyboardInterrupt
