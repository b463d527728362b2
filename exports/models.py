"""Exports: render jobs and their lifecycle.

An export is a job of the job machine (config.jobs): its state lives in
this row, never only in the broker: `status` and `progress` for clients,
`attempts`, and a lease (`lease_owner`, `lease_expires`) the worker renews
while it renders, so a worker that dies is noticed by the sweeper and its
job re-queued.
"""

from django.db import models

from config.jobs.models import ACTIVE_STATUSES, JobFields, JobStatus
from config.models import OwnedModel


class ExportType(models.TextChoices):
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"
    IMAGE = "image", "Image"
    IMAGE_SEQUENCE = "image-sequence", "Image sequence"
    WAVEFORM = "waveform", "Waveform"


#: an export's status is a job's (pending, in-progress, cancel, completed, failed)
ExportStatus = JobStatus

__all__ = ["ACTIVE_STATUSES", "Export", "ExportStatus", "ExportType", "export_upload_to"]


def export_upload_to(instance: "Export", filename: str) -> str:
    return f"output/{instance.project_id}/{filename}"


class Export(OwnedModel, JobFields):
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="exports")
    export_type = models.CharField(max_length=20, choices=ExportType.choices, default=ExportType.VIDEO)
    video_format = models.CharField(max_length=32, default="mp4")
    video_codec = models.CharField(max_length=64, default="libx264")
    video_bitrate = models.CharField(max_length=32, default="8000000")
    audio_codec = models.CharField(max_length=64, default="aac")
    audio_bitrate = models.CharField(max_length=32, default="192000")
    start_frame = models.PositiveIntegerField(default=1)
    end_frame = models.IntegerField(null=True, blank=True)
    webhook = models.URLField(max_length=2048, blank=True, default="")
    json = models.JSONField(default=dict, blank=True)
    output = models.FileField(upload_to=export_upload_to, max_length=512, blank=True, default="")
    # Where the client reached the API, so links in webhook payloads are absolute.
    base_url = models.CharField(max_length=512, blank=True, default="", editable=False)

    class Meta(OwnedModel.Meta):
        indexes = [
            models.Index(fields=["owner", "project"]),
            models.Index(fields=["status", "lease_expires"]),
        ]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.export_type}, {self.status})"
