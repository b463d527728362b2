"""How assets are validated and represented.

An asset's timecodes are read in its format, which comes from (first
that applies) the `fmt` given, the asset as it is, the master of a
subclip, or the media's frame rate; so validate() first settles the
format and the media range, then reads every timecode and checks the
ranges: media_start ≤ in ≤ in2 ≤ out2 ≤ out ≤ media_end, poster and
markers inside in–out, sequence items inside their sources' media. Each
markers inside in–out, sequence items inside their sources' media (those
checks are in `asset_ranges`). Each problem is a 400 naming its field.
"""

from __future__ import annotations

from fractions import Fraction

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import JSONObjectField
from media_assets.api.asset_ranges import AssetRangeChecks
from media_assets.api.catalog_fields import (
    FastIdentityField,
    OwnedFileField,
    SharedRelatedField,
    TimecodeField,
    fast_url,
    resolve_timecodes,
)
from media_assets.api.marker_serializers import (
    DATETIME_MAPPING,
    TIMECODE_FIELDS,
    MarkerSerializer,
    SequenceItemSerializer,
    field_name,
)
from media_assets.catalog.access import ASSET, CATALOG, fields_of_catalog
from media_assets.catalog.models import Asset, Catalog, ClipType
from media_assets.catalog.user_fields import UserFieldErrors, clean_user_fields
from media_assets.models import File
from media_assets.ingest import media_probe
from media_assets.timecode import (
    FORMATS,
    DEFAULT_FORMAT,
    TimecodeError,
    format_for_rate,
    formats_with_rate,
    text_to_frames,
    timecode_format,
)

TYPE_BY_MEDIA = {"video": ClipType.CLIP, "audio": ClipType.AUDIO, "image": ClipType.STILL}
MAX_SEQUENCE_ITEMS = 1000


class HistoryEntrySerializer(serializers.Serializer):
    """One history entry (documentation only: entries are built by media_assets.catalog.history)."""

    date = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    object = serializers.CharField()
    object_id = serializers.IntegerField()
    object_name = serializers.CharField()
    changes = serializers.ListField(child=serializers.DictField(), help_text="[{field, old, new}]")
    summary = serializers.CharField()


class AssetSerializer(AssetRangeChecks, serializers.HyperlinkedModelSerializer):
    """An asset in CatDV's Clip shape. `media` uploads its file in the same request."""

    serializer_field_mapping = DATETIME_MAPPING
    basename = "asset"
    action_names = ["markers", "history", "add-to-project", "download", "poster"]
    url = FastIdentityField(view_name="asset-detail")
    id = serializers.IntegerField(read_only=True)
    catalog = SharedRelatedField(Catalog, "catalog-detail", CATALOG)
    file = OwnedFileField(File, "file-detail", required=False, allow_null=True,
                             help_text="One of your files to catalog (or upload `media` instead).")
    media = serializers.FileField(write_only=True, required=False, allow_empty_file=False,
                                  help_text="Upload: ingests the file and makes the asset in one step.")
    import_from = JSONObjectField(
        write_only=True, required=False,
        help_text="Import instead of uploading, as POST /files/ does with json: {url} (http(s) or a server path), "
                  "{bucket, url} (S3), {container, url} (Azure), optional name. The file and the asset are made together.",
    )
    source = SharedRelatedField(Asset, "asset-detail", ASSET, required=False, allow_null=True,
                                help_text="For a subclip: the master asset whose media it is a range of.")
    type = serializers.ChoiceField(choices=ClipType.choices, required=False)
    name = serializers.CharField(max_length=255, required=False, help_text="Defaults to the media's file name.")
    fmt = serializers.ChoiceField(source="tc_format", choices=[(code, fmt.label) for code, fmt in FORMATS.items()],
                                  required=False, help_text="Timecode format; defaults from the media's frame rate.")
    fps = serializers.SerializerMethodField()
    user_fields = serializers.JSONField(required=False, help_text="{identifier: value} of the catalog's fields.")
    markers = MarkerSerializer(many=True, read_only=True)
    seq_items = SequenceItemSerializer(many=True, required=False, help_text="A sequence's items (replaces them all).")
    history = serializers.SerializerMethodField()
    source_media = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    actions = serializers.SerializerMethodField()
    sha256 = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField()
    version_number = serializers.IntegerField(read_only=True, help_text="Its place in its version stack (1, 2, …).")
    is_head = serializers.BooleanField(read_only=True, help_text="The highest version of its stack.")
    versions = serializers.SerializerMethodField(help_text="Its version stack, in order.")
    source_export = serializers.SerializerMethodField(help_text="The render it was published from, if any.")

    class Meta:
        model = Asset
        fields = [
            "url", "id", "catalog", "type", "name", "notes", "tape", "bin", "status", "clipref", "recorded_date",
            "file", "media", "import_from", "source", "source_media", "sha256", "duplicate_of", "fmt", "fps", "user_fields",
            "markers", "seq_items", "history", "version", "created_by", "actions", "date_created", "date_updated",
            "version_number", "is_head", "versions", "source_export",
        ]
        order = [
            "url", "id", "catalog", "type", "name", "notes", "tape", "bin", "status", "clipref", "recorded_date",
            "file", "media", "import_from", "source", "source_media", "sha256", "duplicate_of", "fmt", "fps", "in", "out",
            "in2", "out2", "duration",
            "media_start", "media_end", "poster", "user_fields", "markers", "seq_items", "history", "version",
            "version_number", "is_head", "versions", "source_export", "created_by", "actions", "date_created", "date_updated",
        ]
        read_only_fields = ["version"]
        extra_kwargs = {"notes": {"max_length": 100_000}}

    def get_fields(self):
        fields = super().get_fields()
        for name, source in TIMECODE_FIELDS.items():
            fields[name] = TimecodeField(source=source, allow_null=name in ("in2", "out2", "poster"))
        fields["duration"] = TimecodeField(source="duration_frm", read_only=True)
        include = self.context.get("include")
        if include is not None:
            for heavy in ("markers", "history", "user_fields", "seq_items"):
                if heavy not in include:
                    fields.pop(heavy)
        return {name: fields[name] for name in self.Meta.order if name in fields}

    # -- representation ----------------------------------------------------------

    def get_fps(self, asset) -> float:
        return float(asset.timecode_format.rate)

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_history(self, asset) -> list:
        return self.context.get("history", {}).get(asset.pk, [])

    @extend_schema_field({"type": "object", "nullable": True, "description": "CatDV SourceMedia: the media file."})
    def get_source_media(self, asset):
        file = asset.file
        if file is None:
            return None
        probe = file.json
        return {
            "id": file.pk, "filename": file.name, "media_type": probe.get("media_type", ""),
            "start": asset.media_start_frm, "end": asset.media_end_frm, "tc_fmt": asset.tc_format,
            "file_size": _file_size(probe.get("file_size")), "duration": probe.get("duration"), "fps": probe.get("fps"),
            "width": probe.get("width"), "height": probe.get("height"),
            "video_format": probe.get("vcodec", ""), "audio_format": probe.get("acodec", ""),
        }

    @extend_schema_field({"type": "string", "nullable": True, "description": "The SHA-256 of the asset's media."})
    def get_sha256(self, asset):
        return (asset.file.sha256 or None) if asset.file is not None else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True,
                          "description": "The asset of this catalog that already held the same bytes when this one came."})
    def get_duplicate_of(self, asset):
        if asset.duplicate_of_id is None:
            return None
        return fast_url(self.context.get("request"), "asset-detail", pk=asset.duplicate_of_id)

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_versions(self, asset) -> str:
        return fast_url(self.context.get("request"), "asset-versions", parent_pk=asset.pk)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_source_export(self, asset) -> str | None:
        if asset.source_export_id is None:
            return None
        # a URL name of the exports app, not an import of it
        return fast_url(self.context.get("request"), "export-detail", pk=asset.source_export_id)

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_actions(self, asset) -> list[str]:
        request = self.context.get("request")
        return [fast_url(request, "asset-markers", parent_pk=asset.pk)] + [
            fast_url(request, f"asset-{name}", pk=asset.pk) for name in self.action_names[1:]
        ]

    # -- validation ----------------------------------------------------------------

    def validate_user_fields(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Give an object of {field identifier: value}.")
        return value

    def validate_seq_items(self, value):
        if len(value) > MAX_SEQUENCE_ITEMS:
            raise serializers.ValidationError(f"A sequence has at most {MAX_SEQUENCE_ITEMS} items.")
        return value

    def validate(self, attrs):
        instance = self.instance
        catalog = attrs.get("catalog") or self.context.get("catalog") or getattr(instance, "catalog", None)
        if catalog is None:
            raise serializers.ValidationError({"catalog": ["Name the catalog (its URL or id)."]})
        if instance is not None and catalog.pk != instance.catalog_id:
            raise serializers.ValidationError({"catalog": ["An asset cannot move to another catalog."]})
        media_json, defaults = self._media(attrs, catalog)
        fmt = self._format(attrs, media_json, defaults)
        model = {key: value for key, value in attrs.items() if key in _PLAIN_FIELDS}
        for key, value in defaults.items():  # what the media suggests, unless the client said otherwise
            model.setdefault(key, value)
        model["tc_format"] = fmt.code
        model.update(self._timecodes(attrs, fmt, media_json, defaults))
        if "user_fields" in attrs:
            current = instance.user_fields if instance is not None and self.partial else {}
            try:
                model["user_fields"] = clean_user_fields(attrs["user_fields"], fields_of_catalog(catalog.pk), current)
            except UserFieldErrors as error:
                raise serializers.ValidationError({"user_fields": error.errors}) from None
        kind = model.get("type") or getattr(instance, "type", None)
        self._check_subclip(attrs, model, kind)
        items = None
        if "seq_items" in attrs:
            if kind != ClipType.SEQ:
                raise serializers.ValidationError({"seq_items": ["Only a sequence (type seq) has items."]})
            items = self._items(attrs["seq_items"], catalog, fmt)
            if items and "in" not in self.initial_data and "out" not in self.initial_data:
                model["in_frm"] = min(item["seq_in_frm"] for item in items)
                model["out_frm"] = model["media_end_frm"] = max(item["seq_out_frm"] for item in items)
                model["media_start_frm"] = min(model["in_frm"], model.get("media_start_frm", 0))
        self._check_ranges(model, fmt, media_json is not None)
        self._check_subclips_fit(model, fmt)
        if not (model.get("name") or getattr(instance, "name", "")):
            raise serializers.ValidationError({"name": ["Give the asset a name (it has no media to take one from)."]})
        return {"catalog": catalog, "model": model, "items": items, "upload": attrs.get("media"),
                "probe": media_json if attrs.get("media") is not None else None}

    def _media(self, attrs, catalog) -> tuple[dict | None, dict]:
        """The media's probe (None without media) and the defaults it gives a new asset."""
        instance = self.instance
        given = [name for name in ("media", "file", "source") if attrs.get(name) is not None]
        if instance is not None:
            changed = [name for name in given if attrs[name] != getattr(instance, name, None)]
            if changed:
                raise serializers.ValidationError({changed[0]: ["An asset's media cannot change; make a new asset."]})
            file = instance.file
            return (file.json if file is not None else None), {}
        if len(given) > 1:
            raise serializers.ValidationError({given[1]: [f"Give only one of media, file and source (also got {given[0]})."]})
        defaults: dict = {}
        if "media" in given:
            try:
                probe = media_probe(attrs["media"])
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict) from None
            defaults["name"] = attrs["media"].name or "media"
            media_json = probe
        elif "file" in given:
            media_json = attrs["file"].json
            defaults["file"] = attrs["file"]
            defaults["name"] = attrs["file"].name
        elif "source" in given:
            source = attrs["source"]
            if source.catalog_id != catalog.pk:
                raise serializers.ValidationError({"source": ["A subclip's master must be in the same catalog."]})
            if source.type in (ClipType.SEQ, ClipType.OTHER) or source.file_id is None:
                raise serializers.ValidationError({"source": ["A subclip is a range of a master with media."]})
            defaults.update(
                file=source.file, source=source, name=f"{source.name} (subclip)", type=ClipType.SUBCLIP,
                tc_format=source.tc_format, media_start_frm=source.media_start_frm, media_end_frm=source.media_end_frm,
                tape=source.tape,
            )
            return source.file.json, defaults
        else:
            return None, {"type": ClipType.SEQ if attrs.get("seq_items") else ClipType.OTHER}
        defaults["type"] = TYPE_BY_MEDIA.get(media_json.get("media_type"), ClipType.OTHER)
        recorded = (media_json.get("metadata") or {}).get("creation_time")
        if recorded and "recorded_date" not in attrs:
            defaults["recorded_date"] = serializers.DateTimeField().to_internal_value(recorded) if _is_date(recorded) else None
            if defaults["recorded_date"] is None:
                defaults.pop("recorded_date")
        return media_json, defaults

    def _format(self, attrs, media_json, defaults):
        media_rate = _media_rate(media_json)
        if "tc_format" in attrs:
            fmt = timecode_format(attrs["tc_format"])
            if media_rate is not None and fmt.rate != media_rate:
                choices = ", ".join(f"{other.code} ({other.label})" for other in formats_with_rate(media_rate)) or "none"
                raise serializers.ValidationError(
                    {"fmt": [f"The media runs at {float(media_rate):.3f} fps; its formats are: {choices}."]}
                )
            return fmt
        if "tc_format" in defaults:
            return timecode_format(defaults["tc_format"])
        if self.instance is not None:
            return self.instance.timecode_format
        if media_rate is not None:
            return format_for_rate(media_rate.numerator, media_rate.denominator)
        return DEFAULT_FORMAT

    def _timecodes(self, attrs, fmt, media_json, defaults) -> dict:
        errors = resolve_timecodes(attrs, list(TIMECODE_FIELDS.values()), fmt)
        if errors:
            raise serializers.ValidationError({field_name(key): value for key, value in errors.items()})
        values = {source: attrs[source] for source in TIMECODE_FIELDS.values() if source in attrs}
        if self.instance is not None:
            return values
        if media_json is not None and "media_start_frm" not in defaults:
            start = values.get("media_start_frm", _media_start(media_json, fmt))
            length = round(float(media_json.get("duration") or 0) * float(fmt.rate))
            if media_json.get("media_type") == "image":
                length = 0
            values.setdefault("media_start_frm", start)
            values.setdefault("media_end_frm", start + length)
        values.setdefault("media_start_frm", defaults.get("media_start_frm", 0))
        values.setdefault("media_end_frm", defaults.get("media_end_frm", values["media_start_frm"]))
        values.setdefault("in_frm", values["media_start_frm"])
        values.setdefault("out_frm", values["media_end_frm"])
        return values


_PLAIN_FIELDS = {"type", "name", "notes", "tape", "bin", "status", "clipref", "recorded_date"}


def _media_rate(media_json):
    if not media_json:
        return None
    fps = media_json.get("fps") or {}
    try:
        num, den = int(fps.get("num", 0)), int(fps.get("den", 1))
    except (TypeError, ValueError, AttributeError):
        return None
    if media_json.get("media_type") == "image" or num <= 0 or den <= 0:
        return None
    return Fraction(num, den)


def _file_size(value) -> int | None:
    """Probes keep the size as text; CatDV's SourceMedia has it as an Integer."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _media_start(media_json, fmt) -> int:
    """The media's own start timecode (a `timecode` tag), when it has one that fits the format."""
    tag = ((media_json or {}).get("metadata") or {}).get("timecode")
    if not isinstance(tag, str):
        return 0
    try:
        return text_to_frames(tag, fmt)
    except TimecodeError:
        return 0


def _is_date(text) -> bool:
    try:
        serializers.DateTimeField().to_internal_value(text)
    except serializers.ValidationError:
        return False
    return True
