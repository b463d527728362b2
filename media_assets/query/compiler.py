"""From a parsed query to one Django `Q` over assets: the whole query runs in the database.

Each term becomes a condition on its field's SQL value; marker terms become
EXISTS subqueries over the asset's markers; `and`, `or` and `!` become the
same in SQL. Conditions on values that may be missing (a user field an
asset has no value for, an empty recorded date) are made false rather than
unknown, so `!` of a term also finds the assets the term says nothing about.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass, field

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IContains,
    IEndsWith,
    IExact,
    In,
    IsNull,
    IStartsWith,
    LessThan,
    LessThanOrEqual,
)

from media_assets.catalog.models import Marker
from media_assets.query import values
from media_assets.query.fields import FieldSpec, Kind, UnknownField, UserFieldDef, resolve_field
from media_assets.query.lookups import (
    ILike,
    IRegex,
    JSONHas,
    Like,
    Regex,
    StrictContains,
    StrictEndsWith,
    StrictStartsWith,
)
from media_assets.query.nodes import All, Any, Not, Term
from media_assets.query.regex_guard import RegexRefused, check_regex
from media_assets.timecode import FORMATS, TimecodeError, text_to_frames

TEXT_OPS = ("eq", "has", "startsWith", "endsWith", "isBlank", "isOneOf", "hasOneOf", "hasAll", "like", "hasWord", "regex")
MULTICHOICE_OPS = ("eq", "isOneOf", "hasOneOf", "hasAll", "isBlank")
NUMBER_OPS = ("eq", "lt", "le", "gt", "ge", "between", "isOneOf", "isBlank")
TIME_OPS = ("eq", "lt", "le", "gt", "ge", "between", "older", "newer", "isBlank")
BOOLEAN_OPS = ("isTrue", "isFalse", "eq", "isBlank")
OPS_BY_KIND = {
    Kind.TEXT: TEXT_OPS, Kind.CHOICE: TEXT_OPS, Kind.MULTICHOICE: MULTICHOICE_OPS, Kind.INTEGER: NUMBER_OPS,
    Kind.NUMBER: NUMBER_OPS, Kind.DURATION: NUMBER_OPS, Kind.TIMECODE: NUMBER_OPS, Kind.DATETIME: TIME_OPS,
    Kind.DATE: TIME_OPS, Kind.BOOLEAN: BOOLEAN_OPS,
}
MAX_VALUES = 500
#: control characters no value may hold: SQLite's LIKE/INSTR stop at NUL (so it matched every
#: asset) and PostgreSQL refuses NUL in text; tab and line breaks are ordinary text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class QueryContext:
    """What compiling needs beyond the query: the user fields in scope and the time `older`/`newer` count from."""

    user_fields: dict[str, list[UserFieldDef]] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    def field(self, name: str) -> FieldSpec:
        return resolve_field(name, self.user_fields)


def compile_query(node, context: QueryContext) -> Q:
    if isinstance(node, All):
        return functools.reduce(operator.and_, (compile_query(child, context) for child in node.children))
    if isinstance(node, Any):
        return functools.reduce(operator.or_, (compile_query(child, context) for child in node.children))
    if isinstance(node, Not):
        return ~compile_query(node.child, context)
    if isinstance(node, Term):
        return _term(node, context)
    raise TypeError(f"not a query node: {node!r}")


def _term(term: Term, context: QueryContext) -> Q:
    try:
        spec = context.field(term.field)
    except UnknownField as error:
        raise term.error(str(error), "field") from None
    allowed = OPS_BY_KIND[spec.kind]
    if term.op not in allowed:
        raise term.error(
            f"The operator {term.op} does not apply to {spec.name}, a {spec.kind} field; use {', '.join(allowed)}.", "op"
        )
    _check_params(term)
    try:
        condition = _HANDLERS[spec.kind](spec, term, context)
    except ValueError as error:
        raise term.error(str(error), "params") from None
    if spec.scope == "marker":
        return Q(Exists(Marker.objects.filter(asset=OuterRef("pk")).filter(condition)))
    return condition


def _check_params(term: Term) -> None:
    count = len(term.params)
    if term.op in ("isBlank", "isTrue", "isFalse"):
        return
    if term.op == "between":
        if count != 2:
            raise term.error(f"between takes two values separated by a comma, not {count}.", "params")
    elif term.op in ("isOneOf", "hasOneOf", "hasAll"):
        if count > MAX_VALUES:
            raise term.error(f"{term.op} takes at most {MAX_VALUES} values.", "params")
    elif count != 1:
        raise term.error(f"{term.op} takes one value, not {count}.", "params")
    if term.op != "eq" and any(not value.strip() for value in term.params):
        raise term.error(f"{term.op} needs a value, not an empty one.", "params")
    for value in term.params:
        control = _CONTROL.search(value)
        if control:
            raise term.error(f"A value cannot hold control characters (found U+{ord(control.group()):04X}).", "params")


def _defined(spec: FieldSpec, lhs, condition: Q) -> Q:
    """The condition, made false (not unknown) where the value is missing."""
    return condition & Q(IsNull(lhs, False)) if spec.nullable else condition


def _blank(spec: FieldSpec, lhs) -> Q:
    if spec.kind in (Kind.TEXT, Kind.CHOICE):
        empty = Q(Exact(lhs, ""))
        return Q(IsNull(lhs, True)) | empty if spec.nullable else empty
    if not spec.nullable:
        return Q(pk__in=[])
    return Q(IsNull(lhs, True))


# -- text ---------------------------------------------------------------------


def _text(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    lhs = spec.value_expression()
    ignore_case, op, params = term.ignore_case, term.op, term.params
    if op == "isBlank":
        return _blank(spec, lhs)
    if op in ("eq", "isOneOf"):
        equal = IExact if ignore_case else Exact
        condition = _any(Q(equal(lhs, value)) for value in params)
    elif op == "has":
        condition = _contains(lhs, params[0], ignore_case)
    elif op in ("hasOneOf", "hasAll"):
        words = _words(params)
        combine = _any if op == "hasOneOf" else _all
        condition = combine(_contains(lhs, word, ignore_case) for word in words)
    elif op == "startsWith":
        condition = Q((IStartsWith if ignore_case else StrictStartsWith)(lhs, params[0]))
    elif op == "endsWith":
        condition = Q((IEndsWith if ignore_case else StrictEndsWith)(lhs, params[0]))
    elif op == "like":
        condition = Q((ILike if ignore_case else Like)(lhs, params[0]))
    elif op == "hasWord":
        pattern = rf"(^|\W){_regex_literal(params[0].strip())}(\W|$)"
        condition = Q((IRegex if ignore_case else Regex)(lhs, pattern))
    else:  # regex
        try:
            check_regex(params[0])
        except RegexRefused as error:
            raise ValueError(f"{error.message} (at offset {error.offset} of the pattern)") from None
        condition = Q((IRegex if ignore_case else Regex)(lhs, params[0]))
    return _defined(spec, lhs, condition)


def _contains(lhs, value: str, ignore_case: bool) -> Q:
    return Q((IContains if ignore_case else StrictContains)(lhs, value))


def _words(params: tuple[str, ...]) -> list[str]:
    """hasOneOf/hasAll values: comma-separated, or one value of space-separated words."""
    if len(params) == 1:
        return params[0].split()
    return [value.strip() for value in params]


def _regex_literal(text: str) -> str:
    """`text` escaped for both PostgreSQL and Python: a backslash before each non-alphanumeric character."""
    return "".join(char if char.isalnum() or char == " " else "\\" + char for char in text)


def _any(conditions) -> Q:
    return functools.reduce(operator.or_, conditions)


def _all(conditions) -> Q:
    return functools.reduce(operator.and_, conditions)


# -- picklists ------------------------------------------------------------------


def _choice(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    if term.op not in ("eq", "isOneOf"):
        return _text(spec, term, context)
    options = [_option(spec, value) for value in term.params]
    if spec.is_user_field:
        return _any(Q(JSONHas("user_fields", spec.json_key, option)) for option in options)
    return Q(In(F(spec.path), options))


def _multichoice(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    if term.op == "isBlank":
        return Q(IsNull(KeyTextTransform(spec.json_key, "user_fields"), True))
    options = [_option(spec, value) for value in term.params]
    conditions = [Q(JSONHas("user_fields", spec.json_key, option, many=True)) for option in options]
    return _all(conditions) if term.op == "hasAll" else _any(conditions)


def _option(spec: FieldSpec, value: str) -> str:
    """The option `value` names (case-insensitively); ValueError listing the options otherwise."""
    wanted = value.strip().lower()
    for option in spec.choices:
        if option.lower() == wanted:
            return option
    raise ValueError(f"{value!r} is not an option of {spec.name}: {', '.join(spec.choices) or 'it has none'}.")


# -- numbers --------------------------------------------------------------------


def _number(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    lhs = spec.value_expression()
    if term.op == "isBlank":
        return _blank(spec, lhs)
    read = {Kind.INTEGER: values.read_integer, Kind.NUMBER: values.read_number, Kind.DURATION: values.read_duration}[spec.kind]
    numbers = [read(value) for value in term.params]
    return _defined(spec, lhs, _compare(lhs, term.op, numbers))


def _compare(lhs, op: str, operands: list) -> Q:
    if op == "eq":
        return Q(Exact(lhs, operands[0]))
    if op == "isOneOf":
        return Q(In(lhs, operands))
    if op == "between":
        low, high = sorted(operands[:2])
        return Q(GreaterThanOrEqual(lhs, low)) & Q(LessThanOrEqual(lhs, high))
    lookup = {"lt": LessThan, "le": LessThanOrEqual, "gt": GreaterThan, "ge": GreaterThanOrEqual}[op]
    return Q(lookup(lhs, operands[0]))


# -- timecodes --------------------------------------------------------------------


def _timecode(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    """Frames compared with frame counts, or with labels read in each asset's own timecode format."""
    lhs = spec.value_expression()
    if term.op == "isBlank":
        return _blank(spec, lhs)
    operands = [_frames(spec, value) for value in term.params]
    if all(isinstance(operand, int) for operand in operands):
        return _defined(spec, lhs, _compare(lhs, term.op, operands))
    # Some operand is a per-format CASE, which Python cannot sort or put in an IN list.
    if term.op == "isOneOf":
        condition = _any(Q(Exact(lhs, operand)) for operand in operands)
    elif term.op == "between":
        first, second = operands
        condition = _within(lhs, first, second) | _within(lhs, second, first)
    else:
        condition = _compare(lhs, term.op, operands)
    return _defined(spec, lhs, condition)


def _within(lhs, low, high) -> Q:
    return Q(GreaterThanOrEqual(lhs, low)) & Q(LessThanOrEqual(lhs, high))


def _frames(spec: FieldSpec, text: str):
    """A frame count, or a label `HH:MM:SS:FF` as the frames it names in each asset's format.

    A label names different frames in different formats (01:00:00:00 is
    frame 90000 at 25 fps, 107892 at 29.97 DF), so it becomes a CASE over
    the asset's format: still one SQL query. Where the label cannot exist
    (FF past the rate, a dropped label, `;` at a non-drop rate) the CASE
    is NULL and the asset does not match.
    """
    text = text.strip()
    if ":" not in text and ";" not in text:
        return values.read_integer(text)
    codes_by_frames: dict[int, list[int]] = {}
    problems: dict[int, TimecodeError] = {}
    for fmt in FORMATS.values():
        try:
            codes_by_frames.setdefault(text_to_frames(text, fmt), []).append(fmt.code)
        except TimecodeError as error:
            problems[fmt.code] = error
    if not codes_by_frames:
        # Said as the fastest format of the label's kind says it: it reads the widest range of labels.
        raise ValueError(f"{problems[5994 if ';' in text else 60]} No timecode format reads it.")
    if len(codes_by_frames) == 1 and len(next(iter(codes_by_frames.values()))) == len(FORMATS):
        return next(iter(codes_by_frames))  # the same frame everywhere, e.g. 00:00:00:00
    whens = [When(Q(**{f"{spec.format_path}__in": codes}), then=Value(frames))
             for frames, codes in codes_by_frames.items()]
    return Case(*whens, default=None, output_field=IntegerField())


# -- dates and times --------------------------------------------------------------


def _time(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    lhs = spec.value_expression()
    if term.op == "isBlank":
        return _blank(spec, lhs)
    if spec.is_user_field:
        as_value = values.iso_day if spec.kind == Kind.DATE else values.iso_instant
    else:
        as_value = lambda moment: moment  # noqa: E731 - a column of datetimes compares datetimes
    if term.op in ("older", "newer"):
        cutoff = as_value(values.age_cutoff(term.params[0], context.now))
        condition = Q(LessThan(lhs, cutoff)) if term.op == "older" else Q(GreaterThanOrEqual(lhs, cutoff))
        return _defined(spec, lhs, condition)
    whens = [values.read_when(value) for value in term.params]
    if spec.kind == Kind.DATE:
        whens = [_as_day(when) for when in whens]
    if term.op == "between":
        first, last = sorted(whens, key=lambda when: when.start)
        upper = Q(LessThan(lhs, as_value(last.end))) if last.is_day else Q(LessThanOrEqual(lhs, as_value(last.end)))
        return _defined(spec, lhs, Q(GreaterThanOrEqual(lhs, as_value(first.start))) & upper)
    when = whens[0]
    start, end = as_value(when.start), as_value(when.end)
    if when.is_day and spec.kind == Kind.DATE:
        condition = _compare(lhs, term.op, [start])
    elif when.is_day:
        condition = {
            "eq": Q(GreaterThanOrEqual(lhs, start)) & Q(LessThan(lhs, end)),
            "lt": Q(LessThan(lhs, start)),
            "le": Q(LessThan(lhs, end)),
            "gt": Q(GreaterThanOrEqual(lhs, end)),
            "ge": Q(GreaterThanOrEqual(lhs, start)),
        }[term.op]
    else:
        condition = _compare(lhs, term.op, [start])
    return _defined(spec, lhs, condition)


def _as_day(when: values.When) -> values.When:
    return values.whole_day(values.in_utc(when.start).date())


# -- yes/no -----------------------------------------------------------------------


def _boolean(spec: FieldSpec, term: Term, context: QueryContext) -> Q:
    if spec.special == "has_markers":
        truth = Q(Exists(Marker.objects.filter(asset=OuterRef("pk"))))
    elif spec.is_user_field:
        if term.op == "isBlank":
            return Q(IsNull(KeyTextTransform(spec.json_key, "user_fields"), True))
        truth = Q(JSONHas("user_fields", spec.json_key, True))
    else:
        truth = Q(Exact(F(spec.path), True))
    if term.op == "isBlank":
        return Q(pk__in=[])
    wanted = {"isTrue": True, "isFalse": False}.get(term.op)
    if wanted is None:
        wanted = values.read_boolean(term.params[0])
    return truth if wanted else ~truth


_HANDLERS = {
    Kind.TEXT: _text, Kind.CHOICE: _choice, Kind.MULTICHOICE: _multichoice, Kind.INTEGER: _number,
    Kind.NUMBER: _number, Kind.DURATION: _number, Kind.TIMECODE: _timecode, Kind.DATETIME: _time, Kind.DATE: _time,
    Kind.BOOLEAN: _boolean,
}
