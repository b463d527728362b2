"""One row per running worker process, kept fresh by its heartbeat."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkerProcessQuerySet(models.QuerySet):
    def live(self, now=None):
        """Processes seen within WORKER_STALE_SECONDS; older rows belong to workers that died without a word."""
        now = now or timezone.now()
        return self.filter(last_seen__gte=now - timedelta(seconds=settings.WORKER_STALE_SECONDS))


class WorkerProcess(models.Model):
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.JSONField(default=list, help_text="Names of the queues this process consumes.")
    threads = models.PositiveIntegerField(default=0)
    started = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    current = models.JSONField(default=list, blank=True,
                               help_text="The jobs running now: actor, args, queue, message id, started.")

    objects = WorkerProcessQuerySet.as_manager()

    class Meta:
        ordering = ["hostname", "pid"]
        constraints = [models.UniqueConstraint(fields=["hostname", "pid"], name="worker_process_unique_host_pid")]
        verbose_name = "worker process"
        verbose_name_plural = "worker processes"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.last_seen >= now - timedelta(seconds=settings.WORKER_STALE_SECONDS)
