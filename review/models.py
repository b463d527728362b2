"""Review notes on catalog assets: frame-exact comments with drawings, their reactions and attachments.

A `Comment` is on one asset (the version of a stack it was made on, for
good: a note on version 1 stays on version 1), at a frame (0-based, in
the asset's timecode format) or on the whole asset (frame null), for
`duration` frames. `annotation` is a drawing over that frame, validated by
review.annotation. A reply is a comment whose `parent` is a top-level
comment on the same asset (one level deep). A comment has an `author`
(a user) or, for a share-link guest, only a `guest_name`.

Who may read a comment follows the asset's catalog (review.access). Every
change to a comment is recorded by django-simple-history.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

#: the reactions a comment may get (POST /comments/<id>/react/)
REACTIONS = ("👍", "👎", "❤️", "😂", "🎉", "👀", "✅", "❓")
MAX_TEXT = 10_000


class Comment(models.Model):
    asset = models.ForeignKey("media_assets.Asset", on_delete=models.CASCADE, related_name="comments",
                              help_text="The asset (the version of its stack) the note is on.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="review_comments", help_text="Empty for a share-link guest's note.")
    guest_name = models.CharField(max_length=100, blank=True, default="",
                                  help_text="The name a share-link guest gave; empty for a user's note.")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="reply_set")
    text = models.TextField(max_length=MAX_TEXT)
    frame = models.PositiveIntegerField(null=True, blank=True, help_text="0-based; empty for the whole asset.")
    duration = models.PositiveIntegerField(default=0, help_text="Frames, for a range.")
    annotation = models.JSONField(null=True, blank=True, help_text='A drawing: {"shapes": [...]}.')
    public = models.BooleanField(default=True, help_text="Shown on share links; false keeps it internal.")
    mentions = models.JSONField(default=list, blank=True, help_text="Usernames @mentioned who may read the asset.")
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["frame", "id"]
        indexes = [
            models.Index(fields=["asset", "frame", "id"]),
            models.Index(fields=["parent"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(author__isnull=False) | ~models.Q(guest_name=""), name="comment_has_an_author",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on asset {self.asset_id}"

    @property
    def has_annotation(self) -> bool:
        return bool(self.annotation and self.annotation.get("shapes"))


class CommentReaction(models.Model):
    """One user's reaction to a comment; reacting again with the same emoji takes it back."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16, choices=[(emoji, emoji) for emoji in REACTIONS])
    date_created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["comment", "user", "emoji"], name="reaction_once_per_user")]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id} on comment {self.comment_id}"


def attachment_upload_to(instance, filename: str) -> str:
    return f"review/attachments/{instance.comment_id}/{filename}"


class CommentAttachment(models.Model):
    """A file attached to a comment; always served back as a download, never inline."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=512)
    name = models.CharField(max_length=255)
    bytes = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=255, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    date_created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
