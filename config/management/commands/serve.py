"""`manage.py serve`: the embedded Montage server.

Migrates the database, creates an admin user on first start (printing its
password and a new API token, shown only then: `manage.py createtoken`
makes another), and serves the API with Waitress. With no
DRAMATIQ_BROKER_URL the broker is in-process, so a render worker runs in
this same process; with a real broker, start workers with `rundramatiq`.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.tokens import token_create


class Command(BaseCommand):
    help = "Migrate, ensure an admin user, start the in-process render worker (if embedded) and serve HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--admin-username", default="admin")

    def handle(self, *args, host, port, threads, admin_username, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self._ensure_admin(admin_username)
        worker = self._start_embedded_worker()
        from waitress import serve

        from config.wsgi import application

        self.stdout.write(f"Montage is serving on http://{host}:{port}/ (admin: http://{host}:{port}/cloud-admin/)")
        try:
            serve(application, host=host, port=port, threads=threads, channel_timeout=300,
                  max_request_body_size=settings.MONTAGE_MAX_UPLOAD_BYTES, ident="Montage")
        finally:
            if worker is not None:
                worker.stop()

    def _ensure_admin(self, username: str) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            return  # its token was shown when it was made (keys are stored only as digests)
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Created admin user '{username}' with password: {password}"))
        _, key = token_create(user=user)
        self.stdout.write(f"API token of '{username}': {key}")

    def _start_embedded_worker(self):
        if settings.DRAMATIQ_BROKER_URL:
            self.stdout.write("Using broker %s: start workers with `python manage.py rundramatiq`." % settings.DRAMATIQ_BROKER_URL.split("@")[-1])
            return None
        from config.worker import start_embedded_worker

        self.stdout.write("Render worker running in-process (embedded broker).")
        return start_embedded_worker()
