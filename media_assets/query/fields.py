"""The fields a query, a sort or a facet can name, and what kind of value each holds.

Built-in attributes are named as CatDV names them (`clip.name`,
`clip.recordedDate`, `catalog.name`, `marker.category`…), with the
`clip.` prefix optional and snake_case accepted too (`recorded_date`).
User fields are `user.<identifier>` (also `field.<identifier>`,
`clip.userFields[<identifier>]`, or the bare identifier when no built-in
has that name); their kind comes from the MetadataField's type.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.db.models import F, FloatField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from media_assets.catalog.models import ClipType, FieldType


class Kind:
    TEXT = "text"
    CHOICE = "choice"
    MULTICHOICE = "multichoice"
    INTEGER = "integer"
    NUMBER = "number"
    DURATION = "duration"
    TIMECODE = "timecode"  # a frame count in the asset's timecode format
    DATETIME = "datetime"
    DATE = "date"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    path: str | None = None  # ORM path from the scope's model
    scope: str = "asset"  # "asset" or "marker"
    choices: tuple[str, ...] = ()
    json_key: str | None = None  # a user field's identifier
    nullable: bool = False
    special: str | None = None

    @property
    def is_user_field(self) -> bool:
        return self.json_key is not None

    @property
    def format_path(self) -> str:
        """Where the timecode format of this field's value is: the asset's, for markers too."""
        return "tc_format" if self.scope == "asset" else "asset__tc_format"

    def value_expression(self):
        """The SQL value this field compares: a column, or the user field's value as text or number."""
        if self.json_key is not None:
            text = KeyTextTransform(self.json_key, "user_fields")
            if self.kind in (Kind.INTEGER, Kind.NUMBER):
                return Cast(text, FloatField())
            return text
        return F(self.path)


def _spec(name, kind, path, **extra) -> FieldSpec:
    return FieldSpec(name=name, kind=kind, path=path, **extra)


_CLIP_TYPES = tuple(ClipType.values)

BUILTIN_FIELDS: dict[str, FieldSpec] = {}
for _names, _spec_value in [
    (("id", "clip.id"), _spec("clip.id", Kind.INTEGER, "id")),
    (("name", "clip.name"), _spec("clip.name", Kind.TEXT, "name")),
    (("notes", "clip.notes"), _spec("clip.notes", Kind.TEXT, "notes")),
    (("tape", "clip.tape"), _spec("clip.tape", Kind.TEXT, "tape")),
    (("bin", "clip.bin"), _spec("clip.bin", Kind.TEXT, "bin")),
    (("status", "clip.status"), _spec("clip.status", Kind.TEXT, "status")),
    (("clipref", "clip.clipref"), _spec("clip.clipref", Kind.TEXT, "clipref")),
    (("type", "clip.type"), _spec("clip.type", Kind.CHOICE, "type", choices=_CLIP_TYPES)),
    (("recordeddate", "recorded_date", "clip.recordeddate", "clip.recorded_date"),
     _spec("clip.recordedDate", Kind.DATETIME, "recorded_date", nullable=True)),
    (("modifieddate", "date_updated", "clip.modifieddate", "clip.date_updated"),
     _spec("clip.modifiedDate", Kind.DATETIME, "date_updated")),
    (("createddate", "date_created", "clip.createddate", "clip.date_created"),
     _spec("clip.createdDate", Kind.DATETIME, "date_created")),
    (("in", "clip.in"), _spec("clip.in", Kind.TIMECODE, "in_frm")),
    (("out", "clip.out"), _spec("clip.out", Kind.TIMECODE, "out_frm")),
    (("in2", "clip.in2"), _spec("clip.in2", Kind.TIMECODE, "in2_frm", nullable=True)),
    (("out2", "clip.out2"), _spec("clip.out2", Kind.TIMECODE, "out2_frm", nullable=True)),
    (("mediastart", "media_start", "clip.mediastart", "clip.media_start"),
     _spec("clip.mediaStart", Kind.TIMECODE, "media_start_frm")),
    (("mediaend", "media_end", "clip.mediaend", "clip.media_end"), _spec("clip.mediaEnd", Kind.TIMECODE, "media_end_frm")),
    (("duration", "clip.duration"), _spec("clip.duration", Kind.DURATION, "duration_secs")),
    (("fmt", "tc_format", "clip.fmt", "clip.tc_format"), _spec("clip.fmt", Kind.INTEGER, "tc_format")),
    (("media.filename", "media.path", "clip.file", "file"), _spec("media.filename", Kind.TEXT, "file__media", nullable=True)),
    (("hasmarkers", "clip.hasmarkers"), _spec("clip.hasMarkers", Kind.BOOLEAN, None, special="has_markers")),
    (("catalog.id", "catalog"), _spec("catalog.id", Kind.INTEGER, "catalog_id")),
    (("catalog.name",), _spec("catalog.name", Kind.TEXT, "catalog__name")),
    (("catalog.comment",), _spec("catalog.comment", Kind.TEXT, "catalog__comment")),
    (("catalog.readonly", "catalog.read_only"), _spec("catalog.readOnly", Kind.BOOLEAN, "catalog__read_only")),
    (("marker.name",), _spec("marker.name", Kind.TEXT, "name", scope="marker")),
    (("marker.category",), _spec("marker.category", Kind.TEXT, "category", scope="marker")),
    (("marker.description",), _spec("marker.description", Kind.TEXT, "description", scope="marker")),
    (("marker.colour", "marker.color"), _spec("marker.colour", Kind.TEXT, "colour", scope="marker")),
    (("marker.in",), _spec("marker.in", Kind.TIMECODE, "in_frm", scope="marker")),
    (("marker.out",), _spec("marker.out", Kind.TIMECODE, "out_frm", scope="marker", nullable=True)),
]:
    for _name in _names:
        BUILTIN_FIELDS[_name] = _spec_value

_USER_FIELD_KIND = {
    FieldType.TEXT: Kind.TEXT, FieldType.MULTILINE: Kind.TEXT, FieldType.URL: Kind.TEXT,
    FieldType.INTEGER: Kind.INTEGER, FieldType.DECIMAL: Kind.NUMBER, FieldType.DATE: Kind.DATE,
    FieldType.DATETIME: Kind.DATETIME, FieldType.BOOLEAN: Kind.BOOLEAN, FieldType.CHOICE: Kind.CHOICE,
    FieldType.MULTICHOICE: Kind.MULTICHOICE,
}
_USER_PREFIXES = ("user.", "field.", "userfield.", "clip.user.")


@dataclass(frozen=True)
class UserFieldDef:
    """What the query needs to know about a MetadataField (several catalogs may define one identifier)."""

    identifier: str
    type: str
    options: tuple[str, ...] = ()


class UnknownField(LookupError):
    pass


def user_field_spec(definition: UserFieldDef) -> FieldSpec:
    return FieldSpec(
        name=f"user.{definition.identifier}", kind=_USER_FIELD_KIND[definition.type], json_key=definition.identifier,
        choices=definition.options, nullable=True,
    )


def resolve_field(name: str, user_fields: dict[str, list[UserFieldDef]]) -> FieldSpec:
    """The field `name` means; UnknownField with a helpful message otherwise."""
    text = name.strip()
    lower = text.lower()
    identifier = None
    if lower.startswith("clip.userfields[") and lower.endswith("]"):
        identifier = lower[len("clip.userfields["):-1].strip()
    else:
        for prefix in _USER_PREFIXES:
            if lower.startswith(prefix):
                identifier = lower[len(prefix):]
                break
    if identifier is None:
        spec = BUILTIN_FIELDS.get(lower)
        if spec is not None:
            return spec
        identifier = lower.removeprefix("clip.")
    definitions = user_fields.get(identifier)
    if not definitions:
        raise UnknownField(_unknown_message(text, user_fields))
    types = {definition.type for definition in definitions}
    if len(types) > 1:
        raise UnknownField(
            f"The user field {identifier!r} has different types in different catalogs ({', '.join(sorted(types))}); "
            "restrict the query to one catalog."
        )
    options = tuple(dict.fromkeys(option for definition in definitions for option in definition.options))
    return user_field_spec(UserFieldDef(identifier, definitions[0].type, options))


def _unknown_message(name: str, user_fields: dict) -> str:
    known = sorted({spec.name for spec in BUILTIN_FIELDS.values()} | {f"user.{key}" for key in user_fields})
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return f"Unknown field {name!r}.{hint} Fields: {', '.join(known)}."
