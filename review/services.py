"""Every change to review notes: create, edit, resolve, react, attach, delete.

Keyword-only services; the API validated what they are given (frames are
in range, the drawing is clean, a reply's parent is top-level). Share-link
guests' notes come through `comment_create(..., guest_name=...)` too.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from django.contrib.auth import get_user_model

from media_assets.catalog.models import Asset
from media_assets.timecode import timecode_object
from review.access import readers_named
from review.hooks import review_event_announce
from review.models import Comment, CommentAttachment, CommentReaction

log = logging.getLogger(__name__)
_MENTION = re.compile(r"(?<![\w.])@([\w.+-]{1,150})")


def mentions_of(text: str, asset: Asset) -> tuple[list[str], list[str]]:
    """(usernames @mentioned in `text` who may read `asset`, a warning for each one ignored)."""
    named = list(dict.fromkeys(name.rstrip(".") for name in _MENTION.findall(text)))
    readers = readers_named(asset.catalog, set(named))
    mentioned = [name for name in named if name in readers]
    warnings = [f"@{name} was not mentioned: there is no such user who may read this asset."
                for name in named if name not in readers]
    return mentioned, warnings


@transaction.atomic
def comment_create(*, asset: Asset, text: str, author=None, guest_name: str | None = None, parent: Comment | None = None,
                   frame: int | None = None, duration: int = 0, annotation: dict | None = None,
                   public: bool = True) -> Comment:
    """A new note on `asset` by `author` (a user) or by a share-link guest (`guest_name`, author None).

    A reply (`parent` given) is on its parent's asset whatever `asset` says.
    The answer carries `warnings` (mentions that were ignored).
    """
    if author is None and not (guest_name or "").strip():
        raise ValueError("A comment needs an author or a guest_name.")
    if parent is not None:
        asset = parent.asset
    mentions, warnings = mentions_of(text, asset)
    comment = Comment.objects.create(
        asset=asset, author=author, guest_name="" if author is not None else guest_name.strip(), parent=parent,
        text=text, frame=frame, duration=duration, annotation=annotation, public=public, mentions=mentions,
    )
    comment.warnings = warnings
    log.info("comment %s created on asset %s by %s%s", comment.pk, asset.pk, author or f"guest {guest_name!r}",
             f" (reply to {parent.pk})" if parent else "")
    _announce_created(comment)
    return comment


def _event_payload(comment: Comment) -> dict:
    """What a notification says about a note: plain JSON, read by notifications (and its mail)."""
    asset = comment.asset
    frame = timecode_object(comment.frame, asset.timecode_format) if comment.frame is not None else None
    return {"comment": {"id": comment.pk, "text": comment.text, "frame": frame, "parent": comment.parent_id,
                        "resolved": comment.resolved},
            "asset": {"id": asset.pk, "name": asset.name, "catalog": asset.catalog_id},
            "author": comment.author.get_username() if comment.author else comment.guest_name,
            "url": f"/comments/{comment.pk}/"}


def _announce_created(comment: Comment) -> None:
    payload = _event_payload(comment)
    actor = comment.author_id
    concerned = [comment.asset.catalog.owner_id] + ([comment.parent.author_id] if comment.parent else [])
    review_event_announce("comment.created", user_ids=concerned, actor_id=actor, payload=payload)
    if comment.mentions:
        mentioned = get_user_model().objects.filter(username__in=comment.mentions).values_list("pk", flat=True)
        review_event_announce("comment.mentioned", user_ids=list(mentioned), actor_id=actor, payload=payload)


@transaction.atomic
def comment_update(*, comment: Comment, fields: dict) -> Comment:
    """Change text, frame, duration, drawing or public; mentions are read again from a new text."""
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.warnings = []
    if "text" in fields:
        comment.mentions, comment.warnings = mentions_of(comment.text, comment.asset)
    comment.save()
    return comment


def comment_resolve(*, comment: Comment, user, resolved: bool) -> Comment:
    """Mark the note resolved (by `user`, now) or open again."""
    comment.resolved = resolved
    comment.resolved_by = user if resolved else None
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved", "resolved_by", "resolved_at", "date_updated"])
    log.info("comment %s %s by %s", comment.pk, "resolved" if resolved else "reopened", user)
    if resolved:
        review_event_announce("comment.resolved", user_ids=[comment.author_id], actor_id=getattr(user, "pk", None),
                              payload=_event_payload(comment))
    return comment


@transaction.atomic
def comment_react(*, comment: Comment, user, emoji: str) -> bool:
    """Toggle `user`'s `emoji` on the comment; True when it is now on."""
    deleted, _ = CommentReaction.objects.filter(comment=comment, user=user, emoji=emoji).delete()
    if deleted:
        return False
    CommentReaction.objects.create(comment=comment, user=user, emoji=emoji)
    return True


def comment_delete(*, comment: Comment) -> None:
    """Delete the note with its replies, reactions and attachments (their files too, after commit)."""
    names = list(CommentAttachment.objects.filter(Q(comment=comment) | Q(comment__parent=comment)).values_list("file", flat=True))
    storage = CommentAttachment._meta.get_field("file").storage
    with transaction.atomic():
        comment.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    log.info("comment %s deleted", comment.pk)


def attachment_add(*, comment: Comment, upload, user) -> CommentAttachment:
    """Store `upload` (already size-checked) as an attachment of the comment."""
    attachment = CommentAttachment(
        comment=comment, name=upload.name[:255], bytes=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:255], uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    log.info("attachment %s (%s bytes) added to comment %s by %s", attachment.pk, attachment.bytes, comment.pk, user)
    return attachment
