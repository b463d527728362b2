"""The filters and orderings of comment lists, each bad value a 400 naming its parameter."""

from __future__ import annotations

from django.db.models import Q
from rest_framework.exceptions import ValidationError

from media_assets.timecode import TimecodeError, parse_timecode, timecode_format

ORDERINGS = {
    "frame": ("frame", "id"), "-frame": ("-frame", "-id"),
    "date_created": ("date_created", "id"), "-date_created": ("-date_created", "-id"),
}
BOOLEANS = {"true": True, "false": False, "1": True, "0": False}


def _boolean(params, name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw.lower() not in BOOLEANS:
        raise ValidationError({name: [f"Give true or false, not {raw[:40]!r}."]})
    return BOOLEANS[raw.lower()]


def _frame(params, name: str, tc_format) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    value = int(raw) if raw.isdigit() and len(raw) <= 9 else raw
    try:
        return parse_timecode(value, timecode_format(tc_format))
    except TimecodeError as error:
        raise ValidationError({name: [str(error)]}) from None


def comment_filters(params, *, tc_format: int) -> Q:
    """The Q of the list's query parameters (`version` is the view's: it picks the assets)."""
    condition = Q()
    for name, field in (("resolved", "resolved"), ("public", "public")):
        value = _boolean(params, name)
        if value is not None:
            condition &= Q(**{field: value})
    annotated = _boolean(params, "has_annotation")
    if annotated is not None:
        drawn = Q(annotation__isnull=False) & ~Q(annotation__shapes=[])
        condition &= drawn if annotated else ~drawn
    author = params.get("author")
    if author is not None:
        condition &= Q(author__username=author)
    first, last = _frame(params, "frame_from", tc_format), _frame(params, "frame_to", tc_format)
    if first is not None:
        condition &= Q(frame__gte=first)
    if last is not None:
        condition &= Q(frame__lte=last)
    parent = params.get("parent")
    if parent is not None:
        if parent == "null":
            condition &= Q(parent__isnull=True)
        elif parent.isdigit() and len(parent) <= 18:
            condition &= Q(parent_id=int(parent))
        else:
            raise ValidationError({"parent": ["Give null (top-level notes only) or a comment id."]})
    return condition


def comment_ordering(params) -> tuple[str, ...]:
    raw = params.get("ordering", "frame")
    if raw not in ORDERINGS:
        raise ValidationError({"ordering": [f"Order by one of {', '.join(ORDERINGS)}."]})
    return ORDERINGS[raw]
