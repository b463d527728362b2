"""A clip's and an effect's json as the API keeps it: complete, and checked against libopenshot's vocabulary.

A clip's `json` always comes back complete: every property a libopenshot
clip has, with its default as a keyframe curve, merged under what the
client sent; an effect's likewise, with its properties' defaults. Curves
are `{"Points": [{"co": {"X": frame, "Y": value}, "interpolation": 0|1|2,
...}]}`; a bare number means a constant curve.

The vocabulary itself (limits, enumerations, defaults, the effects and
their properties) is shared with the renderer and lives in
`config.media.timeline` and `config.media.effects`; it is re-exported here
for the API's validators.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from config.media.effects import effect_json_defaults
from config.media.timeline import (  # noqa: F401 - re-exported for the API's validators and the interchange formats
    CLIP_CHOICES,
    CLIP_CURVE_DEFAULTS,
    CLIP_PLAIN_DEFAULTS,
    MAX_CURVE_VALUE,
    MAX_LAYER,
    MAX_TIMELINE_SECONDS,
    WAVE_COLOR_DEFAULTS,
    Interpolation,
    constant_curve,
)

_CHOICES = {name: tuple(int(member) for member in kind) for name, kind in CLIP_CHOICES.items()}
_INTERPOLATIONS = tuple(int(member) for member in Interpolation)


def effect_json_complete(effect_type: str, client_json: dict) -> dict:
    """The client's effect json over the effect's defaults (unknown effects: as the client sent it)."""
    return {**effect_json_defaults(effect_type), **client_json}


def clip_json_complete(client_json: dict) -> dict:
    """The client's clip json over libopenshot's defaults."""
    complete = {name: constant_curve(value) for name, value in CLIP_CURVE_DEFAULTS.items()}
    complete.update(copy.deepcopy(CLIP_PLAIN_DEFAULTS))
    complete["wave_color"] = {channel: constant_curve(value) for channel, value in WAVE_COLOR_DEFAULTS.items()}
    complete.update(client_json)
    return complete


def clip_json_errors(value: dict) -> list[str]:
    """Problems with the keyframed and plain properties a client sent."""
    errors = []
    for name, item in value.items():
        if name in CLIP_CURVE_DEFAULTS:
            problem = curve_error(item)
            if problem:
                errors.append(f"{name}: {problem}")
        elif name in _CHOICES:
            if isinstance(item, bool) or not isinstance(item, int) or item not in _CHOICES[name]:
                valid = ", ".join(str(choice) for choice in _CHOICES[name])
                errors.append(f"{name}: must be one of {valid}")
        elif name == "effects" and not isinstance(item, list):
            errors.append("effects: must be a list of effect objects")
    return errors


def _is_number(value: Any, bound: float = MAX_CURVE_VALUE) -> bool:
    """A finite int or float no larger than `bound` (ints beyond a float's range are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value) and abs(value) <= bound
    except OverflowError:  # an int too large to be a float
        return False


def curve_error(value: Any) -> str | None:
    """Why `value` is not a keyframe curve, or None if it is one.

    Numbers must be finite and at most MAX_CURVE_VALUE in size.
    """
    bound = f"{MAX_CURVE_VALUE:g}"
    if _is_number(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"must be a finite number between -{bound} and {bound}"
    if not isinstance(value, dict) or not isinstance(value.get("Points"), list):
        return 'expected a number or {"Points": [...]}'
    for index, point in enumerate(value["Points"]):
        co = point.get("co") if isinstance(point, dict) else None
        if not isinstance(co, dict) or not _is_number(co.get("X")) or not _is_number(co.get("Y")):
            return f'point {index} needs "co": {{"X": number, "Y": number}}, each between -{bound} and {bound}'
        if point.get("interpolation", Interpolation.BEZIER) not in _INTERPOLATIONS:
            return f"point {index}: interpolation must be 0 (Bezier), 1 (linear) or 2 (constant)"
        for handle in ("handle_left", "handle_right"):
            if handle in point:
                h = point[handle]
                if not isinstance(h, dict) or not _is_number(h.get("X")) or not _is_number(h.get("Y")):
                    return f'point {index}: {handle} needs {{"X": number, "Y": number}} within ±{bound}'
    return None
