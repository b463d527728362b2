"""`manage.py workers`: what /info/workers/ shows, for a terminal."""

import json

import dramatiq
from django.core.management.base import BaseCommand

from config.workers.status import workers_status


class Command(BaseCommand):
    help = ("List the worker processes (host:pid, live or stale, queues, running jobs) and every queue's length, "
            "live workers and oldest pending job; warns about queues no live worker consumes.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print what GET /info/workers/ answers staff.")

    def handle(self, *args, **options):
        status = workers_status(broker=dramatiq.get_broker(), staff=True)
        if options["json"]:
            self.stdout.write(_dumps(status))
            return
        self.stdout.write(f"{status['live']} live worker process(es), {status['stale']} stale")
        for process in status["processes"]:
            state = "live" if process["live"] else "stale"
            jobs = "; ".join(f"{job['actor']}{tuple(job['args'])}" for job in process["current"]) or "idle"
            self.stdout.write(f"  {process['hostname']}:{process['pid']} {state}, queues {', '.join(process['queues'])}, "
                              f"{process['threads']} threads, last seen {process['last_seen']}: {jobs}")
        for queue in status["queues"]:
            length = "?" if queue["length"] is None else queue["length"]
            oldest = "" if queue["oldest_pending_seconds"] is None else f", oldest pending {queue['oldest_pending_seconds']} s"
            self.stdout.write(f"queue {queue['name']}: {length} waiting, {queue['workers']} live worker(s){oldest}")
            if queue["warning"]:
                self.stderr.write(self.style.WARNING(f"  warning: {queue['warning']}"))


def _dumps(value) -> str:
    return json.dumps(value, indent=2)
