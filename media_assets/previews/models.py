"""A rendition: one preview of one File (its proxy, a thumbnail, the sprite…), and how far it got.

One row per (file, kind). `status` is pending until the file's previews
job runs, processing while it does, then ready (the object is in the
media storage under `storage_name`) or failed with an `error` a person can
read. Rows go with their File; the stored objects are deleted with it
(media_assets.previews.services.rendition_storage_names).
"""

from django.db import models


class RenditionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Rendition(models.Model):
    file = models.ForeignKey("media_assets.File", on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=RenditionStatus.choices, default=RenditionStatus.PENDING)
    storage_name = models.CharField(max_length=512, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    bytes = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["file", "kind"], name="rendition_one_per_file_and_kind")]

    def __str__(self) -> str:
        return f"{self.kind} of file {self.file_id} ({self.status})"
