"""How catalogs, metadata fields and smart folders are validated and represented."""

from __future__ import annotations

import json
import re

from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from media_assets.api.catalog_fields import SharedRelatedField, SharesField
from media_assets.catalog.access import CATALOG, user_field_definitions, visible_fields
from media_assets.catalog.listing import query_error
from media_assets.catalog.models import Asset, Catalog, FieldType, MetadataField, SmartFolder
from media_assets.catalog.services import field_usage
from media_assets.query import QueryContext, QueryError, compile_query, parse_query, parse_terms
from media_assets.query.fields import BUILTIN_FIELDS
from media_assets.query.lookups import JSONHas

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")
PICKLISTS = (FieldType.CHOICE, FieldType.MULTICHOICE)
MAX_OPTIONS = 500


class SharedObjectLinks:
    """`role` and `assets` of a shared object (catalog, smart folder): the caller's role, its assets' URL."""

    #: the route listing the object's assets, and the URL keyword that takes its pk
    assets_route: tuple[str, str]

    def get_role(self, obj) -> str:
        return getattr(obj, "access_role", "owner")

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_assets(self, obj) -> str:
        request = self.context.get("request")
        name, keyword = self.assets_route
        path = reverse(name, kwargs={keyword: obj.pk})
        return request.build_absolute_uri(path) if request else path


class CatalogSerializer(SharedObjectLinks, serializers.HyperlinkedModelSerializer):
    id = serializers.IntegerField(read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    shares = SharesField(help_text="Groups that see the catalog: [{group, role: viewer|editor}]. Owner only.")
    role = serializers.SerializerMethodField(help_text="Your role: owner, editor or viewer.")
    assets = serializers.SerializerMethodField()
    assets_route = ("catalog-assets", "parent_pk")

    class Meta:
        model = Catalog
        fields = ["url", "id", "name", "comment", "read_only", "owner", "shares", "role", "assets", "date_created",
                  "date_updated"]


class MetadataFieldSerializer(serializers.HyperlinkedModelSerializer):
    """A typed user field. Staff define them; everyone who can read the catalog uses them."""

    id = serializers.IntegerField(read_only=True)
    catalog = SharedRelatedField(Catalog, "catalog-detail", CATALOG, required=False, allow_null=True,
                                 staff_sees_all=True, help_text="Empty: a global field, in every catalog.")
    options = serializers.ListField(child=serializers.CharField(max_length=255), required=False,
                                    help_text="A picklist's options, in order.")
    identifier = serializers.CharField(max_length=64, help_text="Lower-case letters, digits and _, starting with a letter.")

    class Meta:
        model = MetadataField
        fields = ["url", "id", "identifier", "name", "description", "type", "options", "catalog", "date_created", "date_updated"]
        extra_kwargs = {"url": {"view_name": "metadatafield-detail"}}
        validators = []  # identifier uniqueness (per catalog and against global fields) is checked in validate()

    def validate_identifier(self, value: str) -> str:
        value = value.strip()
        if not _IDENTIFIER.fullmatch(value):
            raise serializers.ValidationError(
                f"{value!r} is not an identifier: lower-case letters, digits and _, starting with a letter."
            )
        if self.instance is not None and value != self.instance.identifier:
            raise serializers.ValidationError("A field's identifier cannot change (values are stored under it).")
        if self.instance is None and value in BUILTIN_FIELDS:
            # Queries, sorting and facets read a bare name as the built-in field, so the user field would be unreachable.
            raise serializers.ValidationError(f"{value!r} is the name of a built-in field; choose another identifier.")
        return value

    def validate(self, attrs):
        instance = self.instance
        identifier = attrs.get("identifier", getattr(instance, "identifier", None))
        kind = attrs.get("type", getattr(instance, "type", None))
        catalog = attrs["catalog"] if "catalog" in attrs else getattr(instance, "catalog", None)
        options = attrs.get("options", getattr(instance, "options", []) or [])
        if instance is not None and catalog != instance.catalog:
            raise serializers.ValidationError({"catalog": ["A field cannot move between catalogs."]})
        if instance is not None:
            self._check_type_in_use(instance, kind)
        if "options" not in attrs and kind not in PICKLISTS:
            options = []  # a picklist becoming another type leaves its options behind
        self._check_options(kind, options)
        if instance is not None:
            self._check_options_in_use(instance, kind, options)
        clash = MetadataField.objects.filter(identifier=identifier)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        clash = clash.filter(Q(catalog__isnull=True) | Q(catalog=catalog)) if catalog is not None else clash
        if clash.exists():
            where = "globally or in this catalog" if catalog is not None else "already (globally or in a catalog)"
            raise serializers.ValidationError({"identifier": [f"A field {identifier!r} exists {where}."]})
        attrs["options"] = list(options) if kind in PICKLISTS else []
        return attrs

    def _check_options(self, kind, options) -> None:
        if kind in PICKLISTS:
            cleaned = [option.strip() for option in options]
            if not cleaned or any(not option for option in cleaned):
                raise serializers.ValidationError({"options": ["A picklist needs options, none of them empty."]})
            if len({option.lower() for option in cleaned}) != len(cleaned):
                raise serializers.ValidationError({"options": ["Options must differ (ignoring case)."]})
            if len(cleaned) > MAX_OPTIONS:
                raise serializers.ValidationError({"options": [f"At most {MAX_OPTIONS} options."]})
            options[:] = cleaned
        elif options:
            raise serializers.ValidationError({"options": [f"Only picklists have options, not {kind} fields."]})

    def _check_type_in_use(self, instance, kind) -> None:
        if kind == instance.type:
            return
        used = field_usage(instance)
        if used:
            raise serializers.ValidationError({"type": [
                f"A field in use keeps its type: {used} asset(s) have values for {instance.identifier!r}, "
                "so its type cannot change until they are cleared."
            ]})

    def _check_options_in_use(self, instance, kind, options) -> None:
        removed = [option for option in instance.options or [] if option not in options]
        for option in removed:
            assets = Asset.objects.filter(JSONHas("user_fields", instance.identifier, option, many=kind == FieldType.MULTICHOICE))
            if instance.catalog_id is not None:
                assets = assets.filter(catalog_id=instance.catalog_id)
            used = assets.count()
            if used:
                raise serializers.ValidationError({"options": [f"{used} asset(s) use the option {option!r}; it cannot go."]})


@extend_schema_field({
    "oneOf": [
        {"type": "string", "description": "CatDV filter syntax, e.g. ((clip.name)has(car))."},
        {"type": "object", "description": "CatDV QueryDefinition: {name, terms}; saved as the folder's terms.",
         "properties": {"name": {"type": "string"}, "terms": {"type": "array", "items": {"type": "object"}}},
         "required": ["terms"]},
    ],
})
class FolderQueryField(serializers.Field):
    """A smart folder's `query`: filter syntax text, or CatDV's own shape, a QueryDefinition {name, terms}.

    Reads a QueryDefinition as `{"terms": [...]}` for validate() to file
    under `terms`; shows the stored text.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            if "\x00" in data:
                raise serializers.ValidationError("The query cannot contain the NUL character.")
            return data
        if isinstance(data, dict):
            unknown = sorted(set(data) - {"name", "terms"})
            if unknown:
                raise serializers.ValidationError(f"Unknown keys {', '.join(unknown)}; a QueryDefinition has name and terms.")
            if "terms" not in data:
                raise serializers.ValidationError("A QueryDefinition needs its terms.")
            return {"terms": data["terms"]}
        raise serializers.ValidationError("Give filter syntax text or a QueryDefinition object {name, terms}.")

    def to_representation(self, value):
        return value


class SmartFolderSerializer(SharedObjectLinks, serializers.HyperlinkedModelSerializer):
    id = serializers.IntegerField(read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    catalog = SharedRelatedField(Catalog, "catalog-detail", CATALOG, required=False, allow_null=True,
                                 help_text="Only this catalog's assets (default: every catalog you can read).")
    query = FolderQueryField(help_text="Filter syntax text, or a CatDV QueryDefinition {name, terms}.")
    terms = serializers.JSONField(required=False, help_text="Structured query: [{field, op, params, logicalOR, logicalNOT, ignoreCase}].")
    shares = SharesField(help_text="Groups that see the folder: [{group, role: viewer|editor}]. Owner only.")
    role = serializers.SerializerMethodField()
    assets = serializers.SerializerMethodField()
    assets_route = ("smartfolder-assets", "folder_pk")

    class Meta:
        model = SmartFolder
        fields = ["url", "id", "name", "notes", "catalog", "query", "terms", "owner", "shares", "role", "assets",
                  "date_created", "date_updated"]
        extra_kwargs = {"url": {"view_name": "smartfolder-detail"}}

    def validate(self, attrs):
        if isinstance(attrs.get("query"), dict):  # a QueryDefinition: its terms are the structured form
            if "terms" in attrs:
                raise serializers.ValidationError({"query": ["Give the terms inside the query object or beside it, not both."]})
            attrs["terms"] = attrs["query"]["terms"]
            attrs["query"] = ""
        if "\\u0000" in json.dumps(attrs.get("terms", [])):  # jsonb cannot hold NUL, not even where a term ignores it
            raise serializers.ValidationError({"terms": ["Terms cannot contain the NUL character."]})
        query = attrs.get("query", getattr(self.instance, "query", ""))
        terms = attrs.get("terms", getattr(self.instance, "terms", []))
        if "query" in attrs and attrs["query"] and "terms" not in attrs:
            terms = attrs["terms"] = []
        if "terms" in attrs and attrs["terms"] and "query" not in attrs:
            query = attrs["query"] = ""
        if bool(query) == bool(terms):
            raise serializers.ValidationError({"query": ["Give the query (filter syntax) or terms (structured), one of them."]})
        return attrs

    def check_query(self) -> None:
        """Compile the validated query; a QueryInvalid 400 (the shape asset queries use) if it cannot run.

        Not part of validate(): DRF turns everything a serializer's errors
        hold into text, and an error's `position` is a number.
        """
        data = self.validated_data
        query = data.get("query", getattr(self.instance, "query", ""))
        terms = data.get("terms", getattr(self.instance, "terms", []))
        catalog = data["catalog"] if "catalog" in data else getattr(self.instance, "catalog", None)
        context = QueryContext(user_fields=user_field_definitions(
            visible_fields(self.context["request"].user, catalog.pk if catalog else None)))
        name = "query" if query else "terms"
        try:
            compile_query(parse_query(query) if query else parse_terms(terms), context)
        except QueryError as error:
            raise query_error(error, name) from None
