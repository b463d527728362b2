"""The job row: what every kind of background work records while it waits, runs and ends.

`JobFields` is the state the machine (`config.jobs.machine`) reads and
writes: `status` in one vocabulary (pending, in-progress, cancel requested,
completed, failed), `progress` 0–100, how many `attempts` were started, and
the lease a worker holds and renews while it works (`lease_owner`,
`lease_expires`). A domain row that *is* the job (an `Export`) inherits
it; work with no row of its own (a project thumbnail, next previews,
transcription audio, notifications) is a concrete `Job`, which says what
it works on (`target`), with which `params`, and ends with a `result`
(e.g. a storage name) or an `error` a person can read.
"""

from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in-progress", "In progress"
    CANCEL = "cancel", "Cancel requested"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.IN_PROGRESS, JobStatus.CANCEL)
FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED)


class JobFields(models.Model):
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True)
    progress = models.FloatField(default=0.0)
    # Attempts started by a worker (claims); the sweeper gives up after JOB_MAX_ATTEMPTS.
    attempts = models.PositiveIntegerField(default=0)
    # The lease: who holds the job and until when (renewed while it runs).
    lease_owner = models.CharField(max_length=128, blank=True, default="")
    lease_expires = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Job(JobFields):
    kind = models.CharField(max_length=64)
    # What the job works on, as "<app_label>.<model>:<pk>" (e.g. "projects.project:12"), so the
    # target's deletion can find its jobs without a foreign key into a higher app.
    target = models.CharField(max_length=128, blank=True, default="")
    # Identifies the work itself: a second request for the same work reuses the job (and its result).
    key = models.CharField(max_length=128, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "key"]),
            models.Index(fields=["target"]),
            models.Index(fields=["status", "lease_expires"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"


def job_target(instance: models.Model) -> str:
    """The `target` reference of a model instance: "<app_label>.<model>:<pk>"."""
    return f"{instance._meta.label_lower}:{instance.pk}"
