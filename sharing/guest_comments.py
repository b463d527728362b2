"""Where share links meet review notes: the public notes a guest sees, and the notes a guest leaves.

A guest sees, for each shared item, the asset's *public* top-level notes
with their public replies, read for all items at once (two queries however
many items and notes: the notes with their authors, then the replies). An
internal note (`public=false`) never shows, nor its replies. A guest's note
goes through review's one `comment_create` with `guest_name` and is always
public; what it may hold is validated by review's own comment serializer
(sharing/api/serializers.py `GuestCommentSerializer`).
"""

from __future__ import annotations

from django.db.models import Prefetch

from media_assets.api.catalog_fields import UTCDateTimeField
from media_assets.timecode import timecode_object
from review.api.serializers import author_of
from review.models import Comment
from review.services import comment_create

_utc = UTCDateTimeField()


def guest_comment_data(comment: Comment, asset) -> dict:
    """A note as a guest sees it (`asset` gives its timecode format); replies only if prefetched as `public_replies`."""
    data = {
        "id": comment.pk,
        "author": author_of(comment),
        "text": comment.text,
        "frame": timecode_object(comment.frame, asset.timecode_format) if comment.frame is not None else None,
        "duration": comment.duration,
        "annotation": comment.annotation,
        "resolved": comment.resolved,
        "date_created": _utc.to_representation(comment.date_created),
    }
    if comment.parent_id is None:
        data["replies"] = [guest_comment_data(reply, asset) for reply in getattr(comment, "public_replies", [])]
    return data


def public_comments_of(assets) -> dict[int, list[dict]]:
    """asset id → its public notes (top-level, each with its public replies), for every asset given."""
    by_id = {asset.pk: asset for asset in assets}
    found: dict[int, list[dict]] = {pk: [] for pk in by_id}
    if not by_id:
        return found
    replies = Prefetch("reply_set", to_attr="public_replies",
                       queryset=Comment.objects.filter(public=True).select_related("author").order_by("id"))
    notes = (Comment.objects.filter(asset_id__in=list(by_id), parent=None, public=True)
             .select_related("author").prefetch_related(replies).order_by("frame", "id"))
    for note in notes:
        found[note.asset_id].append(guest_comment_data(note, by_id[note.asset_id]))
    return found


def guest_comment_create(*, asset, guest_name: str, text: str, frame: int | None = None, duration: int = 0,
                         annotation: dict | None = None) -> Comment:
    """A share-link guest's note on `asset` (already validated), always public."""
    return comment_create(asset=asset, guest_name=guest_name, text=text, frame=frame, duration=duration,
                          annotation=annotation, public=True)
