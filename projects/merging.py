"""OpenShot's advanced merge instructions, applied to the clips and effects being merged.

An instruction moves or trims some of the merged items ("sources") to a
value read from an item of the project merged into ("target"), plus an
offset in seconds:

    {"source": 682, "source_type": "clip", "source_attribute": "position",
     "target": 679, "target_type": "clip", "target_attribute": "end-position", "offset": 0}

* `source_type`: `clip` or `effect` (matched by id), `layer` (the merged
  items on that layer, numbered as in the merged project), or `all`.
* `target_type`: `clip`, `effect` or `layer`. A clip or effect is looked
  up in the project merged into first, then among the items being merged.
* Ids match an item's own id or its `json.original_merge_id`, so items
  merged earlier can be targeted by the id they had in their template.
* Attributes: `position`, `start`, `end`, `layer`, `end-position` (position
  + duration); `first:` / `last:` prefixes pick, from a set of items, the
  one that starts first or ends last.

Reading a target: a plain attribute of a layer means its first item's.
Writing a source: a plain attribute is set on every selected item
(`end-position` moves each item so it ends there); a `first:`/`last:`
attribute moves the selected items together, keeping their spacing, so the
first (or last) of them lands on the value.

Instructions apply in order, each seeing the effect of the ones before.
An offset is at most MAX_TIMELINE_SECONDS either way, and a merge whose
results leave the timeline's bounds (times from 0 to MAX_TIMELINE_SECONDS,
layers within MAX_LAYER) is refused whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from projects.properties import MAX_LAYER, MAX_TIMELINE_SECONDS

SOURCE_TYPES = ("clip", "effect", "layer", "all")
TARGET_TYPES = ("clip", "effect", "layer")
ATTRIBUTES = (
    "position", "start", "end", "end-position", "layer",
    "first:position", "first:end-position", "last:position", "last:end-position",
)


@dataclass
class MergeItem:
    """A clip or effect's timing while instructions are applied to it."""

    kind: str  # "clip" | "effect"
    row: Any
    position: float
    start: float
    end: float
    layer: int
    original_layer: int
    aliases: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, row, kind: str) -> MergeItem:
        aliases = {str(row.pk)}
        original = (row.json or {}).get("original_merge_id")
        if original not in (None, ""):
            aliases.add(str(original))
        return cls(kind, row, float(row.position), float(row.start), float(row.end), int(row.layer), int(row.layer), aliases)

    @property
    def duration(self) -> float:
        return max(self.end - self.start, 0.0)

    @property
    def end_position(self) -> float:
        return self.position + self.duration

    def label(self) -> str:
        return f"{self.kind} {self.row.pk}"

    def check(self) -> None:
        if self.position < 0:
            raise ValidationError({"json": [f"Merged {self.label()} would start at {self.position:g} s, before 0 s."]})
        if self.start < 0 or self.end <= self.start:
            raise ValidationError({"json": [
                f"Merged {self.label()} would have start {self.start:g} s and end {self.end:g} s; end must be after start."
            ]})
        for name in ("position", "start", "end"):
            value = getattr(self, name)
            if value > MAX_TIMELINE_SECONDS:
                message = f"Merged {self.label()} would have {name} {value:g} s, beyond the longest timeline"
                raise ValidationError({"json": [f"{message} ({MAX_TIMELINE_SECONDS} s)."]})
        if abs(self.layer) > MAX_LAYER:
            message = f"Merged {self.label()} would be on layer {self.layer}"
            raise ValidationError({"json": [f"{message}; layers are between -{MAX_LAYER} and {MAX_LAYER}."]})


@dataclass(frozen=True)
class MergeInstruction:
    source: str
    source_type: str
    source_attribute: str
    target: str
    target_type: str
    target_attribute: str
    offset: float


def parse_instructions(raw: list) -> list[MergeInstruction]:
    """The instructions in a merge's `json` (a list, as MergeInstructionsField gives it); ValidationError naming what is wrong."""
    parsed = []
    for index, item in enumerate(raw, start=1):
        where = f"instruction {index}"
        if not isinstance(item, dict):
            raise ValidationError({"json": [f"{where} must be an object."]})
        values = {}
        for name, valid in (("source_type", SOURCE_TYPES), ("target_type", TARGET_TYPES),
                            ("source_attribute", ATTRIBUTES), ("target_attribute", ATTRIBUTES)):
            value = str(item.get(name, "")).strip().lower()
            if value not in valid:
                raise ValidationError({"json": [f"{where}: {name} {item.get(name)!r} is not one of {', '.join(valid)}."]})
            values[name] = value
        source = item.get("source", "")
        if values["source_type"] != "all" and str(source if source is not None else "").strip() in ("", "all"):
            raise ValidationError({"json": [f"{where}: source_type {values['source_type']} needs a source id."]})
        target = str(item.get("target") if item.get("target") is not None else "").strip()
        if not target:
            raise ValidationError({"json": [f"{where}: target (an id, or a layer number) is required."]})
        offset = item.get("offset", 0) or 0
        try:
            offset = float(offset)
        except (TypeError, ValueError, OverflowError):
            message = f"{where}: offset must be a number of seconds, not {str(offset)[:40]!r}."
            raise ValidationError({"json": [message]}) from None
        if not math.isfinite(offset) or abs(offset) > MAX_TIMELINE_SECONDS:
            raise ValidationError({"json": [
                f"{where}: offset must be a finite number between -{MAX_TIMELINE_SECONDS} and {MAX_TIMELINE_SECONDS}."
            ]})
        for name in ("source", "target"):
            if values.get(f"{name}_type") == "layer":
                candidate = source if name == "source" else target
                if not _is_integer(candidate):
                    raise ValidationError({"json": [f"{where}: a layer {name} must be a layer number, not {candidate!r}."]})
        parsed.append(MergeInstruction(str(source if source is not None else "").strip(), values["source_type"],
                                       values["source_attribute"], target, values["target_type"],
                                       values["target_attribute"], offset))
    return parsed


def apply_instructions(instructions: list[MergeInstruction], *, incoming: list[MergeItem], existing: list[MergeItem]) -> None:
    """Apply each instruction in order to `incoming` (changed in place); ValidationError if one matches nothing."""
    for index, instruction in enumerate(instructions, start=1):
        sources = _sources(instruction, incoming, index)
        targets = _targets(instruction, incoming, existing, index)
        value = _read(targets, instruction.target_attribute) + instruction.offset
        _write(sources, instruction.source_attribute, value)


def _sources(instruction: MergeInstruction, incoming: list[MergeItem], index: int) -> list[MergeItem]:
    kind, wanted = instruction.source_type, instruction.source
    if kind == "all":
        found = list(incoming)
    elif kind == "layer":
        found = [item for item in incoming if item.original_layer == int(float(wanted))]
    else:
        found = [item for item in incoming if item.kind == kind and wanted in item.aliases]
    if not found:
        ids = sorted({item.row.pk for item in incoming if kind in ("all", "layer") or item.kind == kind})
        what = "item" if kind == "all" else kind
        raise ValidationError({"json": [
            f"instruction {index}: no merged {what} matches source {wanted!r}"
            + (f" (merged {kind} ids: {', '.join(map(str, ids))})" if ids and kind in ("clip", "effect") else "")
            + (f" (merged layers: {', '.join(map(str, sorted({i.original_layer for i in incoming})))})" if kind == "layer" else "")
            + "."
        ]})
    return found


def _targets(instruction: MergeInstruction, incoming: list[MergeItem], existing: list[MergeItem], index: int) -> list[MergeItem]:
    kind, wanted = instruction.target_type, instruction.target
    if kind == "layer":
        found = [item for item in existing if item.layer == int(float(wanted))]
    else:
        found = [item for item in existing if item.kind == kind and wanted in item.aliases]
        if not found:
            found = [item for item in incoming if item.kind == kind and wanted in item.aliases]
    if not found:
        raise ValidationError({"json": [
            f"instruction {index}: the project has no {kind} {wanted!r} to take the {instruction.target_attribute} of."
        ]})
    return found


def _first(items: list[MergeItem]) -> MergeItem:
    return min(items, key=lambda item: (item.position, item.end_position))


def _last(items: list[MergeItem]) -> MergeItem:
    return max(items, key=lambda item: (item.end_position, item.position))


def _plain(item: MergeItem, attribute: str) -> float:
    if attribute == "end-position":
        return item.end_position
    return float(getattr(item, attribute))


def _read(targets: list[MergeItem], attribute: str) -> float:
    which, _, plain = attribute.rpartition(":")
    item = _last(targets) if which == "last" else _first(targets)
    return _plain(item, plain)


def _write(sources: list[MergeItem], attribute: str, value: float) -> None:
    which, _, plain = attribute.rpartition(":")
    if which:
        anchor = _last(sources) if which == "last" else _first(sources)
        shift = value - _plain(anchor, plain)
        for item in sources:
            item.position += shift
        return
    for item in sources:
        if plain == "position":
            item.position = value
        elif plain == "end-position":
            item.position = value - item.duration
        elif plain == "layer":
            item.layer = round(value)
        else:
            setattr(item, plain, value)


def _is_integer(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number == int(number)
