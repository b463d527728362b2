"""libopenshot's clip properties: their defaults and the shape of a curve.

A clip's `json` always comes back complete: every property a libopenshot
clip has, with its default as a keyframe curve, merged under what the
client sent. Curves are `{"Points": [{"co": {"X": frame, "Y": value},
"interpolation": 0|1|2, ...}]}`; a bare number means a constant curve.

Timeline times (a clip's or effect's position, start and end) are
seconds between 0 and MAX_TIMELINE_SECONDS, layers within MAX_LAYER, and
curve coordinates within MAX_CURVE_VALUE: the renderer turns them into
frame numbers and ffmpeg expressions, which must not overflow.
"""

from __future__ import annotations

import copy
import math
from typing import Any

#: the longest time a timeline holds: a week, far beyond any edit, far below what overflows a frame count
MAX_TIMELINE_SECONDS = 7 * 86400
#: the highest (and, negated, lowest) layer number
MAX_LAYER = 1_000_000
#: the largest magnitude a curve point's frame (X), value (Y) or handle may have
MAX_CURVE_VALUE = 1e9


class Interpolation:
    BEZIER = 0
    LINEAR = 1
    CONSTANT = 2


class ScaleMode:
    CROP = 0
    FIT = 1
    STRETCH = 2
    NONE = 3


class Gravity:
    TOP_LEFT, TOP, TOP_RIGHT, LEFT, CENTER, RIGHT, BOTTOM_LEFT, BOTTOM, BOTTOM_RIGHT = range(9)


def constant_curve(value: float) -> dict:
    return {"Points": [{"co": {"X": 1, "Y": value}, "interpolation": Interpolation.CONSTANT}]}


#: keyframed properties and their libopenshot defaults
CLIP_CURVE_DEFAULTS: dict[str, float] = {
    "alpha": 1.0,
    "scale_x": 1.0,
    "scale_y": 1.0,
    "location_x": 0.0,
    "location_y": 0.0,
    "rotation": 0.0,
    "shear_x": 0.0,
    "shear_y": 0.0,
    "origin_x": 0.5,
    "origin_y": 0.5,
    "volume": 1.0,
    "time": 1.0,
    "has_audio": -1,
    "has_video": -1,
    "channel_filter": -1,
    "channel_mapping": -1,
    "perspective_c1_x": -1,
    "perspective_c1_y": -1,
    "perspective_c2_x": -1,
    "perspective_c2_y": -1,
    "perspective_c3_x": -1,
    "perspective_c3_y": -1,
    "perspective_c4_x": -1,
    "perspective_c4_y": -1,
}

#: plain (not keyframed) properties and their defaults
CLIP_PLAIN_DEFAULTS: dict[str, Any] = {
    "scale": ScaleMode.FIT,
    "gravity": Gravity.CENTER,
    "anchor": 0,
    "display": 0,
    "mixing": 0,
    "waveform": False,
    "effects": [],
}

_CHOICES = {"scale": range(4), "gravity": range(9), "anchor": range(2), "display": range(4), "mixing": range(3)}


#: effect class name -> its JSON as libopenshot writes a new one. Filled at start-up by the app that
#: renders (exports.apps), since nothing here may import it.
EFFECT_JSON_DEFAULTS: dict[str, dict] = {}


def effect_json_complete(effect_type: str, client_json: dict) -> dict:
    """The client's effect json over the effect's defaults (unknown effects: as the client sent it)."""
    return {**copy.deepcopy(EFFECT_JSON_DEFAULTS.get(effect_type, {})), **client_json}


def clip_json_complete(client_json: dict) -> dict:
    """The client's clip json over libopenshot's defaults."""
    complete = {name: constant_curve(value) for name, value in CLIP_CURVE_DEFAULTS.items()}
    complete.update(copy.deepcopy(CLIP_PLAIN_DEFAULTS))
    complete["wave_color"] = {
        "red": constant_curve(0),
        "green": constant_curve(123),
        "blue": constant_curve(255),
        "alpha": constant_curve(255),
    }
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
        if point.get("interpolation", Interpolation.BEZIER) not in (0, 1, 2):
            return f"point {index}: interpolation must be 0 (Bezier), 1 (linear) or 2 (constant)"
        for handle in ("handle_left", "handle_right"):
            if handle in point:
                h = point[handle]
                if not isinstance(h, dict) or not _is_number(h.get("X")) or not _is_number(h.get("Y")):
                    return f'point {index}: {handle} needs {{"X": number, "Y": number}} within ±{bound}'
    return None
