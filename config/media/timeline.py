"""The timeline's vocabulary: its limits, libopenshot's enumerations and a clip's property defaults.

The API validates clips and effects with these (`projects`) and the
renderer reads them (`exports.renderer`), so a value one side accepts the
other understands. Values are libopenshot's (`Clip::init_settings`,
`enum.h`); the enumerations are IntEnums, and json the API writes holds
their plain int values.

Limits: every timeline time (a clip's or effect's position, start and
end) is seconds from 0 to MAX_TIMELINE_SECONDS, so the latest frame an
item can reach is at position + (end - start) <= MAX_TIMELINE_END_SECONDS;
layers are within MAX_LAYER, curve coordinates within MAX_CURVE_VALUE.
The renderer turns them into frame numbers and ffmpeg expressions, which
must not overflow. Seconds become frames with libopenshot's rounding
(`seconds_to_frame`), wherever a frame number is worked out.
"""

from __future__ import annotations

import math
from enum import IntEnum
from fractions import Fraction
from typing import Any

#: the longest time a timeline holds: a week, far beyond any edit, far below what overflows a frame count
MAX_TIMELINE_SECONDS = 7 * 86400
#: the latest an item within the limits can end on the timeline: positioned at the limit, lasting the limit
MAX_TIMELINE_END_SECONDS = 2 * MAX_TIMELINE_SECONDS
#: the highest (and, negated, lowest) layer number
MAX_LAYER = 1_000_000
#: the largest magnitude a curve point's frame (X), value (Y) or handle may have
MAX_CURVE_VALUE = 1e9


class Interpolation(IntEnum):
    """How a curve reaches a point from the one before it (the right point's value decides)."""

    BEZIER = 0
    LINEAR = 1
    CONSTANT = 2


class ScaleMode(IntEnum):
    """How a clip's picture is sized to the canvas (libopenshot's `ScaleType`)."""

    CROP = 0
    FIT = 1
    STRETCH = 2
    NONE = 3


class Gravity(IntEnum):
    """Where a clip's picture sits on the canvas (libopenshot's `GravityType`)."""

    TOP_LEFT = 0
    TOP = 1
    TOP_RIGHT = 2
    LEFT = 3
    CENTER = 4
    RIGHT = 5
    BOTTOM_LEFT = 6
    BOTTOM = 7
    BOTTOM_RIGHT = 8


class AnchorType(IntEnum):
    """What a clip is positioned against (libopenshot's `AnchorType`)."""

    CANVAS = 0
    VIEWPORT = 1


class FrameDisplayType(IntEnum):
    """Which frame numbers libopenshot draws over a clip (its `display` property)."""

    NONE = 0
    CLIP = 1
    TIMELINE = 2
    BOTH = 3


class VolumeMixType(IntEnum):
    """How a clip's audio is mixed with the layers below (its `mixing` property)."""

    NONE = 0
    AVERAGE = 1
    REDUCE = 2


#: a clip's plain (not keyframed) properties that take one of an enumeration's values
CLIP_CHOICES: dict[str, type[IntEnum]] = {
    "scale": ScaleMode,
    "gravity": Gravity,
    "anchor": AnchorType,
    "display": FrameDisplayType,
    "mixing": VolumeMixType,
}

#: libopenshot's `Point::Initialize_Handles`: Bézier handles as (X, Y) fractions of the segment
DEFAULT_HANDLE_LEFT = (0.5, 1.0)
DEFAULT_HANDLE_RIGHT = (0.5, 0.0)

#: a clip's keyframed properties and their libopenshot defaults
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

#: a clip's plain (not keyframed) properties and their defaults, as json holds them (ints, not enum members)
CLIP_PLAIN_DEFAULTS: dict[str, Any] = {
    "scale": int(ScaleMode.FIT),
    "gravity": int(Gravity.CENTER),
    "anchor": int(AnchorType.CANVAS),
    "display": int(FrameDisplayType.NONE),
    "mixing": int(VolumeMixType.NONE),
    "waveform": False,
    "effects": [],
}

#: the colour a waveform clip is drawn in, channel by channel (0-255)
WAVE_COLOR_DEFAULTS: dict[str, int] = {"red": 0, "green": 123, "blue": 255, "alpha": 255}


def constant_curve(value: float) -> dict:
    """libopenshot's `Keyframe(value)` as json: one constant point at frame 1."""
    return {"Points": [{"co": {"X": 1, "Y": value}, "interpolation": int(Interpolation.CONSTANT)}]}


def round_half_away(value: float) -> int:
    """C's round(): halves go away from zero (Python's round() goes to even)."""
    return int(math.floor(value + 0.5)) if value >= 0 else -int(math.floor(-value + 0.5))


def seconds_to_frame(seconds: float, fps: Fraction | float) -> int:
    """libopenshot's `round(seconds * fps.ToDouble())`: the 0-based frame a time falls on."""
    return round_half_away(float(seconds) * float(fps))
