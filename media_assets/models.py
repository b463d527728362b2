"""Media files: the uploaded or imported bytes and what probing found in them."""

import posixpath

from django.db import models
from django.utils.text import get_valid_filename

from config.models import OwnedModel


def media_upload_to(instance: "File", filename: str) -> str:
    name = get_valid_filename(posixpath.basename(filename)) or "media"
    return f"files/{instance.project_id or 'unfiled'}/{name}"


class File(OwnedModel):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="files", null=True, blank=True
    )
    media = models.FileField(upload_to=media_upload_to, max_length=512)
    json = models.JSONField(default=dict, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True,
                              help_text="The SHA-256 of the media's bytes, hashed as they arrived (media_assets.hashing).")

    class Meta(OwnedModel.Meta):
        indexes = [models.Index(fields=["owner", "project"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.json.get("name") or posixpath.basename(self.media.name or "")

    @property
    def media_type(self) -> str:
        return self.json.get("media_type", "")


# The catalog's models live in their own module; importing them here registers them with the app.
from media_assets.catalog.models import (  # noqa: E402,F401
    Asset,
    Catalog,
    CatalogShare,
    MetadataField,
    Marker,
    SequenceItem,
    SmartFolder,
    SmartFolderShare,
)
from media_assets.resumable.models import Upload  # noqa: E402,F401
