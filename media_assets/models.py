"""Media files: the uploaded or imported bytes and what probing found in them."""

import posixpath

from django.conf import settings
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
    source = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="derived", editable=False,
        help_text="Another user's file whose bytes this row shows (a shared catalog asset placed on a timeline); "
                  "deleting it, or losing access to it, deletes this row (media_assets.revocation).",
    )
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


def font_upload_to(instance: "Font", filename: str) -> str:
    name = get_valid_filename(posixpath.basename(filename)) or "font.ttf"
    return f"fonts/{instance.owner_id or 'global'}/{name}"


class Font(models.Model):
    """A font face titles can be drawn with: a user's own, or global (no owner: staff add them in the admin).

    `family` and `style` are read from the file once, when it is added, so
    listing fonts never opens a font file.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True,
                              blank=True, help_text="Empty: a global font, usable by everyone.")
    family = models.CharField(max_length=100, editable=False)
    style = models.CharField(max_length=100, editable=False)
    file = models.FileField(upload_to=font_upload_to, max_length=512)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["owner"])]

    def __str__(self) -> str:
        return f"{self.family} {self.style}"


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
from media_assets.previews.models import Rendition, RenditionStatus  # noqa: E402,F401
from media_assets.resumable.models import Upload  # noqa: E402,F401
