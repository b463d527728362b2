"""History entries: who created, changed or deleted what, and each field's old → new value.

django-simple-history keeps one historical row per save or delete; an
entry compares a row with the one before it for the same object. Frame
counts are shown as timecode labels, and a change to `user_fields` is
shown per user field (`user_fields.genre`). Entries come newest first,
in CatDV's History shape (`date`, `user`, `action`) with the details.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable

from media_assets.timecode import TimecodeError, frames_to_text, timecode_format

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
HIDDEN_FIELDS = {"id", "date_created", "date_updated", "version", "duration_secs", "created_by", "created_by_id"}
FRAME_FIELDS = {
    "in_frm": "in", "out_frm": "out", "in2_frm": "in2", "out2_frm": "out2", "media_start_frm": "media_start",
    "media_end_frm": "media_end", "poster_frm": "poster", "seq_in_frm": "seq_in", "seq_out_frm": "seq_out",
    "clip_in_frm": "clip_in", "clip_out_frm": "clip_out",
}


def history_entries(records: Iterable, kind: str, format_of: Callable[[object], int] | None = None) -> list[dict]:
    """Entries for historical rows of one model (any order, any objects), newest first.

    `format_of(row)` gives the timecode format code frame fields are shown in
    (default: the row's own `tc_format`).
    """
    by_object = defaultdict(list)
    for row in sorted(records, key=lambda row: (row.history_date, row.history_id)):
        by_object[row.id].append(row)
    entries = []
    for rows in by_object.values():
        previous = None
        for row in rows:
            entries.append(_entry(row, previous, kind, format_of))
            previous = row
    return sort_newest_first(entries)


def sort_newest_first(entries: list[dict]) -> list[dict]:
    return sorted(entries, key=lambda entry: (entry["date"], entry["history_id"]), reverse=True)


def _entry(row, previous, kind: str, format_of) -> dict:
    action = ACTIONS.get(row.history_type, row.history_type)
    code = format_of(row) if format_of else getattr(row, "tc_format", None)
    changes = [] if action == "deleted" else _changes(row, previous if action == "changed" else None, code)
    user = row.history_user.get_username() if row.history_user_id and row.history_user else None
    name = getattr(row, "name", None) or f"{kind} {row.id}"
    return {
        "date": row.history_date,
        "user": user,
        "action": action,
        "object": kind,
        "object_id": row.id,
        "object_name": name,
        "changes": changes,
        "summary": _summary(user, action, kind, name, changes),
        "history_id": row.history_id,
    }


def _tracked_fields(row) -> list[str]:
    return [
        field.attname for field in row.instance_type._meta.concrete_fields
        if field.attname not in HIDDEN_FIELDS and hasattr(row, field.attname)
    ]


def _changes(row, previous, code) -> list[dict]:
    changes = []
    for attname in _tracked_fields(row):
        new = getattr(row, attname)
        old = getattr(previous, attname) if previous is not None else None
        if attname == "user_fields":
            changes.extend(_user_field_changes(old or {}, new or {}))
            continue
        if old == new or (previous is None and new in (None, "", [], {})):
            continue
        label = FRAME_FIELDS.get(attname, attname.removesuffix("_id"))
        if attname in FRAME_FIELDS:
            old, new = _label(old, code), _label(new, code)
        changes.append({"field": label, "old": _plain(old), "new": _plain(new)})
    return changes


def _user_field_changes(old: dict, new: dict) -> list[dict]:
    return [
        {"field": f"user_fields.{key}", "old": old.get(key), "new": new.get(key)}
        for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)
    ]


def _label(frames, code):
    if frames is None or code is None:
        return frames
    try:
        return frames_to_text(frames, timecode_format(code))
    except TimecodeError:
        return frames


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _summary(user, action, kind, name, changes) -> str:
    who = user or "someone"
    if action != "changed":
        return f"{who} {action} {kind} {name!r}"
    parts = [f"{change['field']} from {change['old']!r} to {change['new']!r}" for change in changes[:5]]
    more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
    return f"{who} changed {kind} {name!r}: " + ", ".join(parts) + more if parts else f"{who} saved {kind} {name!r}"
