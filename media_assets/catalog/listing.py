"""Asset lists: the query, simple filters, sorting by any field, facets and `include`.

Everything a list request asks is compiled into the one queryset the
paginator runs (a count and a page), so a list costs the same number of
queries for 1 asset or 100,000: the user field definitions (when a query,
sort or facet names one), the count, the page, one query per included
relation, one per facet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, Value
from django.db.models.fields.json import KeyTextTransform
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from media_assets.catalog.access import user_field_definitions, visible_fields
from media_assets.catalog.models import Marker, SequenceItem
from media_assets.hashing import sha256_valid
from media_assets.query import QueryContext, QueryError, compile_query, parse_query
from media_assets.query.compiler import OPS_BY_KIND
from media_assets.query.fields import FieldSpec, Kind, UnknownField
from media_assets.query.lookups import JSONHas
from media_assets.query.nodes import Any, Term

INCLUDES = ("markers", "history", "user_fields", "seq_items")
DETAIL_INCLUDES = ("markers", "user_fields", "seq_items")
FACET_KINDS = (Kind.TEXT, Kind.CHOICE, Kind.MULTICHOICE, Kind.BOOLEAN, Kind.INTEGER, Kind.TIMECODE)
FACET_LIMIT = 50
#: how long counts stay cached at most (a change to the matching assets makes a new key at once)
FACET_CACHE_SECONDS = 300
#: `?status=…`-style filters: parameter → (query field, operator)
SIMPLE_FILTERS = {
    "catalog": ("catalog.id", "isOneOf"), "type": ("clip.type", "isOneOf"), "status": ("clip.status", "isOneOf"),
    "bin": ("clip.bin", "isOneOf"), "tape": ("clip.tape", "isOneOf"), "name": ("clip.name", "has"),
}
USER_FIELD_PARAM_PREFIXES = ("user.", "field.")


class LazyUserFields(Mapping):
    """The user field definitions a request may name, loaded (one query) only when a name needs them."""

    def __init__(self, user, catalog_id=None):
        self.user, self.catalog_id = user, catalog_id
        self._definitions = None

    @property
    def definitions(self):
        if self._definitions is None:
            self._definitions = user_field_definitions(visible_fields(self.user, self.catalog_id))
        return self._definitions

    def __getitem__(self, key):
        return self.definitions[key]

    def __iter__(self):
        return iter(self.definitions)

    def __len__(self):
        return len(self.definitions)


def query_context(request, catalog_id=None) -> QueryContext:
    if not hasattr(request, "_catalog_query_context"):
        request._catalog_query_context = QueryContext(user_fields=LazyUserFields(request.user, catalog_id))
    return request._catalog_query_context


def comma_list(request, name: str, allowed=None) -> list[str]:
    raw = request.query_params.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if allowed is not None:
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise ValidationError({name: [f"Unknown {', '.join(unknown)}; use {', '.join(allowed)}."]})
    return items


def includes(request, *, detail: bool) -> set[str]:
    if "include" not in request.query_params:
        return set(DETAIL_INCLUDES if detail else ())
    return set(comma_list(request, "include", INCLUDES))


class QueryInvalid(ValidationError):
    """A 400 for a query: the message under the parameter's name, and the error's `position` as a number."""

    def __init__(self, error: QueryError, name: str):
        if error.term is not None:
            super().__init__({name: {str(error.term): {error.part or "term": [error.message]}}})
        else:
            super().__init__({name: [str(error)]})
        if error.position is not None:
            self.detail["position"] = error.position  # a number, not an error message


def query_error(error: QueryError, name: str = "query") -> ValidationError:
    return QueryInvalid(error, name)


def compile_or_400(node, context: QueryContext, name: str = "query") -> Q:
    try:
        return compile_query(node, context)
    except QueryError as error:
        raise query_error(error, name) from None


def parse_or_400(text: str, name: str = "query"):
    try:
        return parse_query(text)
    except QueryError as error:
        raise query_error(error, name) from None


class AssetQueryFilter(BaseFilterBackend):
    """`?query=` (CatDV syntax), a POSTed structured query, simple filters, and `?ordering=`."""

    def filter_queryset(self, request, queryset, view):
        context = query_context(request)
        conditions = []
        for node, name in view.query_nodes(request):
            conditions.append(compile_or_400(node, context, name))
        text = request.query_params.get("query")
        if text:
            conditions.append(compile_or_400(parse_or_400(text), context))
        conditions.extend(self.simple_filters(request, context))
        sha256 = request.query_params.get("sha256")
        if sha256 is not None:
            if not sha256_valid(sha256):
                raise ValidationError({"sha256": ["A SHA-256 is 64 hexadecimal digits."]})
            conditions.append(Q(file__sha256=sha256.lower()))
        for condition in conditions:
            queryset = queryset.filter(condition)
        return queryset.order_by(*self.ordering(request, context))

    def simple_filters(self, request, context) -> list[Q]:
        conditions = []
        for name, value in request.query_params.items():
            if name in SIMPLE_FILTERS:
                field, op = SIMPLE_FILTERS[name]
            elif name.startswith(USER_FIELD_PARAM_PREFIXES):
                field, op = name, "isOneOf"
            else:
                continue
            try:
                conditions.append(compile_query(self.simple_filter(context, field, op, value), context))
            except (QueryError, UnknownField) as error:
                raise ValidationError({name: [getattr(error, "message", str(error))]}) from None
        return conditions

    @staticmethod
    def simple_filter(context, field: str, op: str, value: str):
        """The query a `?field=a,b` parameter means: any of the values, by the operator the field's kind has.

        Dates and yes/no have no isOneOf; for them each value is an `eq`, any of which may hold.
        """
        if op != "isOneOf":
            return Term(field, op, (value,), True, index=0)
        params = tuple(part.strip() for part in value.split(","))
        if op in OPS_BY_KIND[context.field(field).kind]:
            return Term(field, op, params, True, index=0)
        terms = tuple(Term(field, "eq", (param,), True, index=0) for param in params)
        return terms[0] if len(terms) == 1 else Any(terms)

    def ordering(self, request, context) -> list:
        keys = comma_list(request, "ordering") or ["id"]
        order, seen_id = [], False
        for key in keys:
            descending = key.startswith("-")
            name = key.lstrip("-+")
            try:
                spec = context.field(name)
            except UnknownField as error:
                raise ValidationError({"ordering": [str(error)]}) from None
            if spec.scope != "asset" or spec.special:
                raise ValidationError({"ordering": [f"Assets cannot be sorted by {spec.name}."]})
            seen_id = seen_id or spec.path == "id"
            expression = spec.value_expression() if spec.is_user_field else F(spec.path)
            order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        if not seen_id:
            order.append(F("id").asc())
        return order

    def get_schema_operation_parameters(self, view):
        text = lambda name, description: {  # noqa: E731
            "name": name, "required": False, "in": "query", "description": description, "schema": {"type": "string"},
        }
        return [
            text("query", "CatDV filter syntax, e.g. ((clip.name)has(car))and((catalog.name)eq(Rushes)). "
                          "A malformed query is a 400 with the position of the error."),
            text("ordering", "Comma-separated fields, '-' for descending: any built-in field or user.<identifier>."),
            text("include", f"Heavy parts to include: {', '.join(INCLUDES)} (detail default: {', '.join(DETAIL_INCLUDES)})."),
            text("facets", "Comma-separated fields to count values of, for the current query: status, type, bin, "
                           "tape, catalog, or a user field."),
            *(text(name, f"Only assets whose {field} {op} this (comma-separated: any of them).")
              for name, (field, op) in SIMPLE_FILTERS.items()),
        ]


# -- what a page loads --------------------------------------------------------------


def with_includes(queryset, wanted: set[str]):
    queryset = queryset.select_related("file", "created_by")
    if "user_fields" not in wanted:
        queryset = queryset.defer("user_fields")
    if "markers" in wanted:
        queryset = queryset.prefetch_related(Prefetch("markers", queryset=Marker.objects.select_related("created_by")))
    if "seq_items" in wanted:
        queryset = queryset.prefetch_related(
            Prefetch("seq_items", queryset=SequenceItem.objects.select_related("source"))
        )
    return queryset


# -- facets -------------------------------------------------------------------------


def facets(request, queryset, *, count: int) -> dict:
    """`?facets=`: value counts of each named field over the whole query (`count` rows).

    Counting a field over a large catalog reads every matching row, so the
    counts are kept in the cache under what they depend on: the query's
    SQL, the field definitions, the number of matching assets and the
    latest change among them (every write of an asset moves
    `date_updated`, every delete the count). Any change to the matches is
    a new key; nothing has to be invalidated.
    """
    names = comma_list(request, "facets")
    if not names:
        return {}
    context = query_context(request)
    queryset = queryset.order_by()
    specs = {name: _facet_spec(context, name) for name in names if name != "catalog"}
    if count == 0:
        return {name: [] for name in names}
    key = _facet_cache_key(queryset, specs, count)
    counted = cache.get(key)
    if counted is None:
        counted = {name: _count_values(queryset, spec) for name, spec in specs.items()}
        cache.set(key, counted, FACET_CACHE_SECONDS)
    if "catalog" in names:  # labels are catalog names, which change without touching the assets
        counted = {**counted, "catalog": _catalog_facet(queryset)}
    return {name: counted[name] for name in names}


def _facet_spec(context: QueryContext, name: str) -> FieldSpec:
    try:
        spec = context.field(name)
    except UnknownField as error:
        raise ValidationError({"facets": [str(error)]}) from None
    if spec.kind not in FACET_KINDS or spec.scope != "asset" or spec.special:
        raise ValidationError({"facets": [f"{spec.name} cannot be a facet; use a text, picklist, yes/no or integer field."]})
    return spec


def _facet_cache_key(queryset, specs: dict[str, FieldSpec], count: int) -> str:
    # ORDER BY ... LIMIT 1, not MAX(): PostgreSQL walks the date_updated index
    # back to the first visible row instead of reading every matching one.
    latest = list(queryset.order_by("-date_updated").values_list("date_updated", flat=True)[:1])
    sql, params = queryset.query.sql_with_params()
    fields = sorted((name, spec.kind, spec.path, spec.json_key, tuple(spec.choices or ())) for name, spec in specs.items())
    raw = repr((sql, params, count, latest, fields))
    return "montage:facets:" + hashlib.sha256(raw.encode()).hexdigest()


def _count_values(queryset, spec: FieldSpec) -> list[dict]:
    return _multichoice_facet(queryset, spec) if spec.kind == Kind.MULTICHOICE else _facet(queryset, spec)


def _catalog_facet(queryset) -> list[dict]:
    rows = queryset.values("catalog_id", "catalog__name").annotate(count=Count("*")).order_by("-count", "catalog_id")
    return [{"value": row["catalog_id"], "label": row["catalog__name"], "count": row["count"]} for row in rows[:FACET_LIMIT]]


def _facet(queryset, spec: FieldSpec) -> list[dict]:
    value = KeyTextTransform(spec.json_key, "user_fields") if spec.is_user_field else F(spec.path)
    rows = queryset.values(facet_value=value).annotate(count=Count("*")).order_by("-count", "facet_value")
    return [{"value": _facet_value(spec, row["facet_value"]), "count": row["count"]} for row in rows[:FACET_LIMIT]]


def _facet_value(spec: FieldSpec, value):
    if value is None:
        return None
    if spec.kind == Kind.BOOLEAN:
        return value in (True, 1, "true")
    if spec.kind == Kind.INTEGER and spec.is_user_field:
        return int(float(value))
    return value


def _multichoice_facet(queryset, spec: FieldSpec) -> list[dict]:
    """Counts of each option of a multi-choice field, all in one aggregate query."""
    if not spec.choices:
        return []
    counts = queryset.aggregate(**{
        f"option_{index}": Count(Value(1), filter=Q(JSONHas("user_fields", spec.json_key, option, many=True, scan=True)))
        for index, option in enumerate(spec.choices)
    })
    rows = [{"value": option, "count": counts[f"option_{index}"]} for index, option in enumerate(spec.choices)]
    return sorted((row for row in rows if row["count"]), key=lambda row: -row["count"])
