"""Markers and sequence items, as they appear inside an asset and on their own.

Their timecodes are in the asset's format (a sequence item's clip range in
its source's format). Markers are built directly in `to_representation`:
a page of assets with markers shows hundreds of them.
"""

from __future__ import annotations

import re

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from media_assets.api.catalog_fields import (
    FastRelatedField,
    SharedRelatedField,
    TimecodeField,
    UTCDateTimeField,
    fast_url,
    resolve_timecodes,
)
from media_assets.catalog.access import ASSET
from media_assets.catalog.models import Asset, Marker, SequenceItem
from media_assets.timecode import TimecodeError, frames_to_text, timecode_object

TIMECODE_FIELDS = {
    "in": "in_frm", "out": "out_frm", "in2": "in2_frm", "out2": "out2_frm", "media_start": "media_start_frm",
    "media_end": "media_end_frm", "poster": "poster_frm",
}
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DATETIME_MAPPING = {**serializers.ModelSerializer.serializer_field_mapping, models.DateTimeField: UTCDateTimeField}
_utc = UTCDateTimeField()


def field_name(source: str) -> str:
    """The API name of a model field: in for in_frm, clip_in for clip_in_frm…"""
    for name, field_source in TIMECODE_FIELDS.items():
        if field_source == source:
            return name
    return source.removesuffix("_frm")


def label(frames, fmt) -> str:
    """A frame count as its timecode label, for messages."""
    try:
        return frames_to_text(frames, fmt)
    except (TimecodeError, TypeError):
        return str(frames)


class MarkerSerializer(serializers.ModelSerializer):
    serializer_field_mapping = DATETIME_MAPPING
    url = serializers.SerializerMethodField()
    asset = FastRelatedField(view_name="asset-detail", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    colour = serializers.CharField(required=False, allow_blank=True, help_text="#rrggbb")

    class Meta:
        model = Marker
        fields = [
            "url", "id", "asset", "name", "category", "description", "colour", "created_by", "date_created",
            "date_updated",
        ]
        order = ["url", "id", "asset", "name", "category", "in", "out", "description", "colour", "created_by",
                 "date_created", "date_updated"]

    def get_fields(self):
        fields = super().get_fields()
        fields["in"] = TimecodeField(source="in_frm", format_source="asset.tc_format", required=self.instance is None)
        fields["out"] = TimecodeField(source="out_frm", format_source="asset.tc_format", allow_null=True,
                                      help_text="Set for a range marker; null for a point.")
        return {name: fields[name] for name in self.Meta.order}

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, marker) -> str:
        return fast_url(self.context.get("request"), "asset-marker-detail", parent_pk=marker.asset_id, pk=marker.pk)

    def to_representation(self, marker):
        # A page of assets with markers shows hundreds of these: built directly, same fields as declared.
        request = self.context.get("request")
        fmt = marker.asset.timecode_format
        creator = marker.created_by
        return {
            "url": fast_url(request, "asset-marker-detail", parent_pk=marker.asset_id, pk=marker.pk),
            "id": marker.pk,
            "asset": fast_url(request, "asset-detail", pk=marker.asset_id),
            "name": marker.name,
            "category": marker.category,
            "in": timecode_object(marker.in_frm, fmt),
            "out": timecode_object(marker.out_frm, fmt) if marker.out_frm is not None else None,
            "description": marker.description,
            "colour": marker.colour,
            "created_by": creator.get_username() if creator is not None else None,
            "date_created": _utc.to_representation(marker.date_created),
            "date_updated": _utc.to_representation(marker.date_updated),
        }

    def validate_colour(self, value: str) -> str:
        if value and not _COLOUR.fullmatch(value):
            raise serializers.ValidationError(f"Give a colour as #rrggbb, not {value!r}.")
        return value.lower()

    def validate(self, attrs):
        asset = self.instance.asset if self.instance is not None else self.context["asset"]
        fmt = asset.timecode_format
        errors = resolve_timecodes(attrs, ["in_frm", "out_frm"], fmt)
        if errors:
            raise serializers.ValidationError({field_name(key): value for key, value in errors.items()})
        first = attrs["in_frm"] if "in_frm" in attrs else self.instance.in_frm
        last = attrs["out_frm"] if "out_frm" in attrs else getattr(self.instance, "out_frm", None)
        low, high = asset.in_frm, asset.out_frm
        span = f"{label(low, fmt)}–{label(high, fmt)}"
        if not low <= first <= high:
            raise serializers.ValidationError({"in": [f"{label(first, fmt)} is outside the asset's range {span}."]})
        if last is not None:
            if last < first:
                raise serializers.ValidationError({"out": [f"out ({label(last, fmt)}) is before in ({label(first, fmt)})."]})
            if last > high:
                raise serializers.ValidationError({"out": [f"{label(last, fmt)} is outside the asset's range {span}."]})
        return attrs


class SequenceItemSerializer(serializers.ModelSerializer):
    clip = SharedRelatedField(Asset, "asset-detail", ASSET, source="source", help_text="The source asset.")
    clip_id = serializers.IntegerField(source="source_id", read_only=True)
    clip_name = serializers.CharField(source="source.name", read_only=True)
    clip_tape = serializers.CharField(source="source.tape", read_only=True)
    track = serializers.IntegerField(min_value=1, max_value=99, default=1)

    class Meta:
        model = SequenceItem
        fields = ["track", "clip", "clip_id", "clip_name", "clip_tape"]
        order = ["track", "seq_in", "seq_out", "clip", "clip_id", "clip_name", "clip_tape", "clip_in", "clip_out"]

    def get_fields(self):
        fields = super().get_fields()
        fields["seq_in"] = TimecodeField(source="seq_in_frm", format_source="sequence.tc_format", required=True)
        fields["seq_out"] = TimecodeField(source="seq_out_frm", format_source="sequence.tc_format", required=True)
        fields["clip_in"] = TimecodeField(source="clip_in_frm", format_source="source.tc_format", required=True)
        fields["clip_out"] = TimecodeField(source="clip_out_frm", format_source="source.tc_format", required=True)
        return {name: fields[name] for name in self.Meta.order}

    def validate(self, attrs):
        # A PATCH of the asset is partial, and DRF passes that down to nested items: it skips their
        # required fields and defaults. Items replace the sequence's items whole, so each must be complete.
        missing = {
            field.field_name: [field.error_messages["required"]]
            for field in self._writable_fields if field.required and field.source not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        attrs.setdefault("track", self.fields["track"].default)
        return attrs
