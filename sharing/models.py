"""Playlists and share links.

A `Playlist` is an ordered list of one catalog's assets, each with a note
(a review session's running order); it is read by whoever reads the
catalog and changed by its owner and editors. A `ShareLink` gives a guest
with no account exactly one target (an asset, a playlist or a smart
folder): its token is random and kept only as a SHA-256 hash
(`token_hash`, looked up by an index, never compared by hand), with its
first characters (`token_prefix`) to recognise it; it may have a password
(Django's password hashers), expires, can be revoked, and records every
view (`ShareAccess`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.models import OwnedModel


class Playlist(OwnedModel):
    name = models.CharField(max_length=255)
    catalog = models.ForeignKey("media_assets.Catalog", on_delete=models.CASCADE, related_name="playlists")

    class Meta(OwnedModel.Meta):
        indexes = [models.Index(fields=["catalog", "id"])]

    def __str__(self) -> str:
        return self.name


class PlaylistItem(models.Model):
    """One asset in a playlist, at `position` (0-based, dense: moving and removing renumber)."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="items")
    asset = models.ForeignKey("media_assets.Asset", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    note = models.TextField(blank=True, default="", max_length=10_000)

    class Meta:
        ordering = ["playlist", "position"]
        indexes = [models.Index(fields=["playlist", "position"])]

    def __str__(self) -> str:
        return f"{self.playlist} #{self.position}"


class ShareTarget(models.TextChoices):
    ASSET = "asset", "Asset"
    PLAYLIST = "playlist", "Playlist"
    SMART_FOLDER = "smart-folder", "Smart folder"


class ShareLink(OwnedModel):
    """A guest's way in to one target; `owner` is who made the link."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False)
    target_type = models.CharField(max_length=16, choices=ShareTarget.choices)
    asset = models.ForeignKey("media_assets.Asset", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    smart_folder = models.ForeignKey("media_assets.SmartFolder", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")
    expires_at = models.DateTimeField()
    password = models.CharField(max_length=128, blank=True, default="", help_text="A password hash, or empty.")
    can_comment = models.BooleanField(default=False)
    can_download = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    views = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta(OwnedModel.Meta):
        constraints = [
            models.CheckConstraint(
                name="share_link_one_target",
                condition=(Q(target_type="asset", asset__isnull=False, playlist__isnull=True, smart_folder__isnull=True)
                           | Q(target_type="playlist", asset__isnull=True, playlist__isnull=False,
                               smart_folder__isnull=True)
                           | Q(target_type="smart-folder", asset__isnull=True, playlist__isnull=True,
                               smart_folder__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"share link {self.token_prefix}… ({self.target_type})"

    @property
    def target(self):
        """The shared Asset, Playlist or SmartFolder."""
        return self.asset or self.playlist or self.smart_folder

    @property
    def is_open(self) -> bool:
        """Active and not expired: a guest may use it."""
        return self.is_active and self.expires_at > timezone.now()

    @property
    def has_password(self) -> bool:
        return bool(self.password)


class ShareAccess(models.Model):
    """One guest view of a link: when, from where, and the name the guest gave (if any)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="accesses")
    time = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    guest_name = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["link", "time"])]


class UnlockAttempt(models.Model):
    """A wrong password given for a link (the unlock throttle counts them)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="+")
    time = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["link", "time"])]


__all__ = ["Playlist", "PlaylistItem", "ShareAccess", "ShareLink", "ShareTarget", "UnlockAttempt"]
