"""Serializer fields of the catalog API: timecodes, shared relations, group shares.

* `TimecodeField` shows CatDV's `{fmt, frm, secs, txt}` and accepts that
  object, `HH:MM:SS:FF` / `HH:MM:SS;FF` text, or a frame count. Reading
  input needs the object's timecode format, which may arrive in the same
  request (or come from media being uploaded), so the field only wraps
  the input (`RawTimecode`) and the serializer's validate() resolves it.
* `SharedRelatedField` accepts a URL or id of an object the caller can
  read through group sharing (a catalog, an asset).
* `SharesField` reads and writes `[{group, role}]`.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import OwnedRelatedField
from config.api.sharing import Sharing, share_group_resolve
from media_assets.catalog.models import ShareRole
from media_assets.timecode import FORMATS, TimecodeError, parse_timecode, timecode_format, timecode_object

TIMECODE_OBJECT = {
    "type": "object",
    "description": "CatDV timecode: fmt (format code), frm (frames), secs (seconds), txt (label).",
    "properties": {
        "fmt": {"type": "integer", "enum": sorted(FORMATS), "description": ", ".join(
            f"{fmt.code} = {fmt.label}" for fmt in FORMATS.values())},
        "frm": {"type": "integer", "minimum": 0},
        "secs": {"type": "number"},
        "txt": {"type": "string", "example": "01:00:00;00"},
    },
    "required": ["fmt", "frm", "secs", "txt"],
}
TIMECODE_INPUT = {
    "oneOf": [
        {"type": "object", "properties": TIMECODE_OBJECT["properties"], "description": "frm, txt or secs"},
        {"type": "string", "example": "00:01:00;02", "description": "HH:MM:SS:FF, or HH:MM:SS;FF for drop-frame"},
        {"type": "integer", "minimum": 0, "description": "a frame count"},
    ],
}


@dataclass(frozen=True)
class RawTimecode:
    """Timecode input, read once the object's format is known."""

    value: Any

    def frames(self, fmt) -> int | None:
        if self.value is None:
            return None
        return parse_timecode(self.value, fmt)


class TimecodeField(serializers.Field):
    """A frame count shown and read as timecode in the format named by `format_source`."""

    def __init__(self, *, format_source: str = "tc_format", **kwargs):
        self.format_source = format_source
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        frames = super().get_attribute(instance)
        code = instance
        for part in self.format_source.split("."):
            code = getattr(code, part)
        return frames, code

    def to_representation(self, value):
        frames, code = value
        if frames is None:
            return None
        return timecode_object(frames, timecode_format(code))

    def to_internal_value(self, data):
        return RawTimecode(data)

    def validate_empty_values(self, data):
        if data is None and self.allow_null:
            return True, RawTimecode(None)
        return super().validate_empty_values(data)


class TimecodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = TimecodeField

    def map_serializer_field(self, auto_schema, direction):
        schema = dict(TIMECODE_INPUT if direction == "request" else TIMECODE_OBJECT)
        if self.target.allow_null:
            schema["nullable"] = True
        return schema


def resolve_timecodes(attrs: dict, names: list[str], fmt) -> dict[str, list[str]]:
    """Replace each RawTimecode in `attrs` by its frames (in place); errors by field name."""
    errors = {}
    for name in names:
        raw = attrs.get(name)
        if isinstance(raw, RawTimecode):
            try:
                attrs[name] = raw.frames(fmt)
            except TimecodeError as error:
                errors[name] = [str(error)]
    return errors


# -- hyperlinks, fast ----------------------------------------------------------------
#
# A page of 100 assets with their markers carries thousands of links; Django's
# reverse() costs tens of microseconds each. A route's path is reversed once
# into a template and filled in for every object instead.

_PLACEHOLDER = 918273645


@functools.lru_cache(maxsize=256)
def _path_template(script_prefix: str, view_name: str, kwarg_names: tuple[str, ...]) -> str:
    path = reverse(view_name, kwargs={name: _PLACEHOLDER + index for index, name in enumerate(kwarg_names)})
    for index, name in enumerate(kwarg_names):
        path = path.replace(str(_PLACEHOLDER + index), "{" + name + "}")
    return path


def fast_url(request, view_name: str, **kwargs) -> str:
    """The absolute URL of a route, like reverse() + build_absolute_uri(), from a cached template."""
    if request is None:
        return _path_template(get_script_prefix(), view_name, tuple(sorted(kwargs))).format(**kwargs)
    cached = getattr(request, "_montage_url_parts", None)
    if cached is None:
        cached = request._montage_url_parts = (get_script_prefix(), request.build_absolute_uri("/").rstrip("/"))
    prefix, base = cached
    return base + _path_template(prefix, view_name, tuple(sorted(kwargs))).format(**kwargs)


class FastUrlMixin:
    """For hyperlinked fields: links built from a cached route template."""

    def get_url(self, obj, view_name, request, format):
        if format or obj.pk in (None, ""):
            return super().get_url(obj, view_name, request, format)
        return fast_url(request, view_name, **{self.lookup_url_kwarg: obj.pk})


class UTCDateTimeField(serializers.DateTimeField):
    """Shows times as ISO 8601 in UTC (`...Z`) without a time zone lookup per value (USE_TZ, TIME_ZONE UTC)."""

    def to_representation(self, value):
        if not value:
            return None
        if isinstance(value, datetime.datetime) and value.utcoffset() == datetime.timedelta(0):
            return value.isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class FastIdentityField(FastUrlMixin, serializers.HyperlinkedIdentityField):
    pass


class FastRelatedField(FastUrlMixin, serializers.HyperlinkedRelatedField):
    pass


class OwnedFileField(FastUrlMixin, OwnedRelatedField):
    pass


class SharedRelatedField(FastUrlMixin, OwnedRelatedField):
    """A URL or id of an object the caller can read through sharing."""

    default_error_messages = {
        "does_not_exist": "No {model} with id {pk} is yours or shared with you.",
    }

    def __init__(self, model, view_name, sharing: Sharing, *, staff_sees_all: bool = False, **kwargs):
        self.sharing = sharing
        self.staff_sees_all = staff_sees_all
        super().__init__(model, view_name, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = self.queryset.all()
        if request is None or not request.user.is_authenticated:
            return queryset.none()
        if self.staff_sees_all and request.user.is_staff:
            return queryset
        return self.sharing.with_role(self.sharing.readable(queryset, request.user), request.user)


class ShareSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="The group's name or id.")
    role = serializers.ChoiceField(choices=ShareRole.choices, default=ShareRole.VIEWER)


@extend_schema_field(
    {"type": "array", "items": {"type": "object", "properties": {
        "group": {"type": "string"}, "group_id": {"type": "integer", "readOnly": True},
        "role": {"type": "string", "enum": ShareRole.values}}}}
)
class SharesField(serializers.Field):
    """`[{group, role}]`: groups by name or id; only groups the owner belongs to (staff: any)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        return [
            {"group": share.group.name, "group_id": share.group_id, "role": share.role}
            for share in instance.shares.all()
        ]

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError("Give a list of {group, role} objects.")
        items = ShareSerializer(data=data, many=True)
        items.is_valid(raise_exception=True)
        request = self.context.get("request")
        wanted = {}
        for item in items.validated_data:
            name = item["group"].strip()
            group = share_group_resolve(name=name, user=request.user if request else None)
            if group is None:
                raise serializers.ValidationError(f"No group {name[:100]!r} among the groups you belong to: you can share only with those.")
            if group.pk in wanted:
                raise serializers.ValidationError(f"The group {group.name!r} is listed twice.")
            wanted[group.pk] = (group, item["role"])
        return list(wanted.values())

