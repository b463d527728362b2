"""A resumable upload in progress (or done): how many bytes it will have, how many it has, and what it became."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models

from config.models import OwnedModel


class UploadStatus(models.TextChoices):
    RECEIVING = "receiving"
    DONE = "done"
    FAILED = "failed"


class Upload(OwnedModel):
    """A tus upload. Its bytes so far are `part_path` on this server's disk (MONTAGE_UPLOAD_DIR) until it is done."""

    filename = models.CharField(max_length=255)
    length = models.BigIntegerField(help_text="Upload-Length: the bytes the upload will have.")
    offset = models.BigIntegerField(default=0, help_text="Upload-Offset: the bytes received so far.")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    catalog = models.ForeignKey("media_assets.Catalog", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    json = models.JSONField(default=dict, blank=True, help_text="The client's keys for the File.")
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVING)
    error = models.TextField(blank=True, default="")
    expires = models.DateTimeField(db_index=True, help_text="When an unfinished upload is deleted.")
    file = models.ForeignKey("media_assets.File", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    asset = models.ForeignKey("media_assets.Asset", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")

    @property
    def part_path(self) -> Path:
        return Path(settings.MONTAGE_UPLOAD_DIR) / f"{self.pk}.part"

    def __str__(self) -> str:
        return f"upload {self.pk} ({self.filename}, {self.offset}/{self.length})"
