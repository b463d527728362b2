"""How review notes are validated and represented.

`frame` is read in the commented asset's timecode format (a frame count,
a timecode string, drop-frame included, or a timecode object) and shown as
the timecode object markers use. Comments are built directly in
`to_representation`: a page shows up to a hundred, each with its author,
reactions and attachments, from prefetched rows (no query per comment).
"""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from media_assets.api.catalog_fields import TimecodeField, UTCDateTimeField, fast_url, resolve_timecodes
from media_assets.api.marker_serializers import label
from media_assets.catalog.models import Asset
from media_assets.catalog.versions import stack_of
from media_assets.timecode import timecode_object
from review.access import COMMENT
from review.annotation import MAX_POINTS, MAX_SHAPES, TOOLS, AnnotationError, annotation_clean
from review.models import MAX_TEXT, REACTIONS, Comment

_utc = UTCDateTimeField()
_COMMENT_URL = re.compile(r"/comments/([0-9]{1,18})/?$")

ANNOTATION_SCHEMA = {
    "type": "object", "nullable": True,
    "description": f"A drawing over the frame: at most {MAX_SHAPES} shapes and {MAX_POINTS} points; x, y are 0–1 "
                   "of the picture from the top left.",
    "properties": {"shapes": {"type": "array", "maxItems": MAX_SHAPES, "items": {
        "type": "object", "required": ["tool", "points"],
        "properties": {
            "tool": {"type": "string", "enum": list(TOOLS)},
            "points": {"type": "array", "items": {"type": "array", "items": {"type": "number", "minimum": 0,
                                                                           "maximum": 1}, "minItems": 2,
                                                  "maxItems": 2}},
            "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "default": "#ff0000"},
            "width": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 100, "default": 2},
            "text": {"type": "string", "description": "For the text tool."},
        },
    }}},
}


@extend_schema_field(ANNOTATION_SCHEMA)
class AnnotationField(serializers.JSONField):
    def to_internal_value(self, data):
        try:
            return annotation_clean(super().to_internal_value(data))
        except AnnotationError as error:
            raise serializers.ValidationError(str(error)) from None


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "format": "uri"}]})
class CommentRefField(serializers.Field):
    """A comment the caller may read, by id or URL."""

    def to_internal_value(self, data):
        text = str(data).strip()
        match = _COMMENT_URL.search(text)
        pk = match.group(1) if match else text
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            raise serializers.ValidationError("Give a comment's URL or id.")
        user = self.context["request"].user
        comment = COMMENT.readable(Comment.objects.select_related("asset"), user).filter(pk=int(pk)).first()
        if comment is None:
            raise serializers.ValidationError(f"There is no comment {pk} you can read.")
        return comment

    def to_representation(self, value):
        return value.pk


def author_of(comment: Comment) -> dict | None:
    if comment.author_id is not None:
        return {"username": comment.author.get_username()}
    return {"guest_name": comment.guest_name} if comment.guest_name else None


def comment_data(comment: Comment, request) -> dict:
    """The comment as the API shows it; author, asset, reactions and attachments must be loaded."""
    asset = comment.asset
    reactions: dict[str, int] = {}
    mine = []
    user_id = getattr(getattr(request, "user", None), "pk", None)
    for reaction in comment.reactions.all():
        reactions[reaction.emoji] = reactions.get(reaction.emoji, 0) + 1
        if reaction.user_id == user_id:
            mine.append(reaction.emoji)
    replies = getattr(comment, "reply_count", None)
    if replies is None:
        replies = comment.reply_set.count()
    url = fast_url(request, "comment-detail", pk=comment.pk)
    return {
        "url": url,
        "id": comment.pk,
        "asset": fast_url(request, "asset-detail", pk=asset.pk),
        "version": asset.version_number,
        "author": author_of(comment),
        "parent": fast_url(request, "comment-detail", pk=comment.parent_id) if comment.parent_id else None,
        "text": comment.text,
        "frame": timecode_object(comment.frame, asset.timecode_format) if comment.frame is not None else None,
        "duration": comment.duration,
        "annotation": comment.annotation,
        "public": comment.public,
        "mentions": list(comment.mentions or []),
        "warnings": list(getattr(comment, "warnings", [])),
        "replies": replies,
        "replies_url": fast_url(request, "comment-replies", pk=comment.pk),
        "reactions": reactions,
        "my_reactions": mine,
        "resolved": comment.resolved,
        "resolved_by": comment.resolved_by.get_username() if comment.resolved_by_id else None,
        "resolved_at": _utc.to_representation(comment.resolved_at) if comment.resolved_at else None,
        "attachments": [
            {"url": fast_url(request, "comment-attachment", pk=comment.pk, attachment_pk=attachment.pk),
             "name": attachment.name, "bytes": attachment.bytes, "content_type": attachment.content_type}
            for attachment in comment.attachments.all()
        ],
        "date_created": _utc.to_representation(comment.date_created),
        "date_updated": _utc.to_representation(comment.date_updated),
    }


class CommentSerializer(serializers.Serializer):
    """A review note. Create at /assets/<id>/comments/ (or reply at /comments/<id>/reply/); change with PATCH."""

    url = serializers.URLField(read_only=True)
    id = serializers.IntegerField(read_only=True)
    asset = serializers.URLField(read_only=True, help_text="The asset (version) the note is on.")
    version = serializers.IntegerField(
        required=False, min_value=1,
        help_text="The version of the asset's stack commented (its number); default the asset itself. "
                  "In answers, the version the note is on.",
    )
    author = serializers.JSONField(read_only=True, help_text='{"username"}, or {"guest_name"} for a share-link guest.')
    parent = CommentRefField(required=False, allow_null=True, help_text="For a reply: the comment's URL or id.")
    text = serializers.CharField(max_length=MAX_TEXT, help_text="The note; @name mentions a user who may read it.")
    duration = serializers.IntegerField(required=False, min_value=0, max_value=10_000_000,
                                        help_text="Frames, for a range (default 0).")
    annotation = AnnotationField(required=False, allow_null=True)
    public = serializers.BooleanField(required=False, help_text="Shown on share links (default true).")
    mentions = serializers.ListField(child=serializers.CharField(), read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)
    replies = serializers.IntegerField(read_only=True)
    replies_url = serializers.URLField(read_only=True)
    reactions = serializers.DictField(child=serializers.IntegerField(), read_only=True,
                                      help_text=f"emoji → count, of {' '.join(REACTIONS)}")
    my_reactions = serializers.ListField(child=serializers.CharField(), read_only=True)
    resolved = serializers.BooleanField(read_only=True)
    resolved_by = serializers.CharField(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    attachments = serializers.ListField(child=serializers.DictField(), read_only=True,
                                        help_text='[{"url", "name", "bytes", "content_type"}]')
    date_created = serializers.DateTimeField(read_only=True)
    date_updated = serializers.DateTimeField(read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["frame"] = TimecodeField(
            format_source="asset.tc_format", allow_null=True, required=False,
            help_text="0-based frame of the asset's media, or a timecode in its format; null for the whole asset.",
        )
        order = list(fields)
        order.insert(order.index("duration"), order.pop(order.index("frame")))
        return {name: fields[name] for name in order}

    def to_representation(self, comment):
        return comment_data(comment, self.context.get("request"))

    # -- validation ----------------------------------------------------------------------

    def _target(self, attrs) -> Asset:
        """The asset the note is on: the parent's for a reply, else the version asked for of the URL's asset."""
        if self.instance is not None:
            if "version" in attrs and attrs["version"] != self.instance.asset.version_number:
                raise serializers.ValidationError({"version": ["A note stays on the version it was made on."]})
            return self.instance.asset
        parent = attrs.get("parent") or self.context.get("parent")
        asset = self.context["asset"]
        if parent is not None:
            if parent.parent_id is not None:
                raise serializers.ValidationError({"parent": ["That comment is a reply; replies are one level deep."]})
            if parent.asset_id != asset.pk and (asset.stack_id is None or parent.asset.stack_id != asset.stack_id):
                raise serializers.ValidationError({"parent": ["That comment is on another asset."]})
            if "version" in attrs and attrs["version"] != parent.asset.version_number:
                raise serializers.ValidationError({"version": ["A reply is on its parent's version."]})
            return parent.asset
        if "version" in attrs and attrs["version"] != asset.version_number:
            members = stack_of(asset)
            if attrs["version"] > len(members):
                raise serializers.ValidationError(
                    {"version": [f"The asset's stack has {len(members)} version(s), not {attrs['version']}."]})
            target = members[attrs["version"] - 1]
            target.catalog = asset.catalog
            return target
        return asset

    def validate(self, attrs):
        target = self._target(attrs)
        fmt = target.timecode_format
        errors = resolve_timecodes(attrs, ["frame"], fmt)
        if errors:
            raise serializers.ValidationError(errors)
        frame = attrs["frame"] if "frame" in attrs else getattr(self.instance, "frame", None)
        duration = attrs["duration"] if "duration" in attrs else getattr(self.instance, "duration", 0)
        low, high = target.in_frm, max(target.out_frm, target.in_frm)
        span = f"{label(low, fmt)}–{label(high, fmt)}"
        if frame is not None and not low <= frame <= high:
            raise serializers.ValidationError({"frame": [f"{label(frame, fmt)} is outside the asset's media {span}."]})
        if frame is not None and frame + duration > high:
            raise serializers.ValidationError(
                {"duration": [f"{duration} frames from {label(frame, fmt)} run past the asset's end {label(high, fmt)}."]})
        if frame is None and duration:
            raise serializers.ValidationError({"duration": ["A range needs a frame to start at."]})
        attrs["target"] = target
        attrs.pop("version", None)
        return attrs


class ReplySerializer(CommentSerializer):
    """A reply: text and, optionally, a frame and drawing of its own; the parent's asset and version."""

    def get_fields(self):
        fields = super().get_fields()
        fields["parent"].read_only = True
        return fields


class ResolveSerializer(serializers.Serializer):
    resolved = serializers.BooleanField(default=True)


class ReactSerializer(serializers.Serializer):
    reaction = serializers.ChoiceField(choices=[(emoji, emoji) for emoji in REACTIONS],
                                       help_text=f"One of {' '.join(REACTIONS)}; again to take it back.")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
