"""Clip animation: keyframes, OpenShot's presets, reset, and captions.

Keyframe X values are the clip's *source* frame numbers at the project's
frame rate (SPEC §3): a point `position_in_seconds` into the clip sits at
X = round((start + position_in_seconds) * fps) + 1, so it stays on the same
picture when the clip is moved on the timeline.

Curves (`curve`) are OpenShot's interpolation choices: "Bezier" (OpenShot's
default handles), "Linear", "Constant", and the named Bézier easings of
OpenShot's keyframe menu ("Ease (Default)", "Ease In", "Ease Out (Back)",
...): each is a CSS-style cubic-bezier(x1, y1, x2, y2) stored as the handles
of the segment ending at the new point (left point `handle_right` =
(x1, y1), new point `handle_left` = (x2, y2)).

Presets (`PRESETS`, documented in the OpenAPI schema) write the points of
the curves they animate; points already inside the animated span are
replaced, those outside it are kept, so "Fade In" then "Fade Out" gives
both fades.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import ValidationError

from config.media.timeline import (
    CLIP_CURVE_DEFAULTS,
    DEFAULT_HANDLE_LEFT,
    DEFAULT_HANDLE_RIGHT,
    Gravity,
    Interpolation,
    ScaleMode,
    constant_curve,
    seconds_to_frame,
)
from projects.models import Clip
from projects.properties import curve_error

#: OpenShot's named Bézier easings: cubic-bezier(x1, y1, x2, y2)
BEZIER_PRESETS: dict[str, tuple[float, float, float, float]] = {
    "Ease (Default)": (0.250, 0.100, 0.250, 1.000),
    "Ease In": (0.420, 0.000, 1.000, 1.000),
    "Ease Out": (0.000, 0.000, 0.580, 1.000),
    "Ease In/Out": (0.420, 0.000, 0.580, 1.000),
    "Ease In (Quad)": (0.550, 0.085, 0.680, 0.530),
    "Ease In (Cubic)": (0.550, 0.055, 0.675, 0.190),
    "Ease In (Quart)": (0.895, 0.030, 0.685, 0.220),
    "Ease In (Quint)": (0.755, 0.050, 0.855, 0.060),
    "Ease In (Sine)": (0.470, 0.000, 0.745, 0.715),
    "Ease In (Expo)": (0.950, 0.050, 0.795, 0.035),
    "Ease In (Circ)": (0.600, 0.040, 0.980, 0.335),
    "Ease In (Back)": (0.600, -0.280, 0.735, 0.045),
    "Ease Out (Quad)": (0.250, 0.460, 0.450, 0.940),
    "Ease Out (Cubic)": (0.215, 0.610, 0.355, 1.000),
    "Ease Out (Quart)": (0.165, 0.840, 0.440, 1.000),
    "Ease Out (Quint)": (0.230, 1.000, 0.320, 1.000),
    "Ease Out (Sine)": (0.390, 0.575, 0.565, 1.000),
    "Ease Out (Expo)": (0.190, 1.000, 0.220, 1.000),
    "Ease Out (Circ)": (0.075, 0.820, 0.165, 1.000),
    "Ease Out (Back)": (0.175, 0.885, 0.320, 1.275),
    "Ease In/Out (Quad)": (0.455, 0.030, 0.515, 0.955),
    "Ease In/Out (Cubic)": (0.645, 0.045, 0.355, 1.000),
    "Ease In/Out (Quart)": (0.770, 0.000, 0.175, 1.000),
    "Ease In/Out (Quint)": (0.860, 0.000, 0.070, 1.000),
    "Ease In/Out (Sine)": (0.445, 0.050, 0.550, 0.950),
    "Ease In/Out (Expo)": (1.000, 0.000, 0.000, 1.000),
    "Ease In/Out (Circ)": (0.785, 0.135, 0.150, 0.860),
    "Ease In/Out (Back)": (0.680, -0.550, 0.265, 1.550),
}
CURVES = ("Bezier", "Linear", "Constant", *BEZIER_PRESETS)

#: the properties /reset/ puts back to their defaults
RESET_PROPERTIES = ("alpha", "scale_x", "scale_y", "location_x", "location_y", "rotation")
KEYFRAME_PROPERTIES = tuple(CLIP_CURVE_DEFAULTS)


def curve_name(value: str) -> str:
    """The canonical curve name for `value` (case, spaces and "Bézier" forgiven); ValidationError listing the valid ones."""
    return _canonical(value, CURVES, "curve", wanted=value.replace("é", "e").replace("É", "E"))


def _canonical(value: str, names, field: str, *, wanted: str | None = None) -> str:
    """The one of `names` that `wanted` (default `value`) spells, forgiving case, spaces, "_" and "&"/"and"."""
    wanted = _normalise(value if wanted is None else wanted)
    for name in names:
        if _normalise(name) == wanted:
            return name
    raise ValidationError({field: [f"Unknown {field} {value!r}; use one of: {', '.join(names)}."]})


def _normalise(text: str) -> str:
    return re.sub(r"[\s_&]+", "", text).lower().replace("and", "/")


# --- points --------------------------------------------------------------------------------------


def source_frame(clip: Clip, seconds_into_clip: float, fps: float) -> int:
    """The 1-based source frame shown `seconds_into_clip` after the clip starts (libopenshot's rounding)."""
    return seconds_to_frame(clip.start + seconds_into_clip, fps) + 1


def _point(x: int, y: float, curve: str) -> dict:
    interpolation = {"Linear": Interpolation.LINEAR, "Constant": Interpolation.CONSTANT}.get(curve, Interpolation.BEZIER)
    point = {"co": {"X": x, "Y": y}, "interpolation": int(interpolation),
             "handle_left": _handle(DEFAULT_HANDLE_LEFT), "handle_right": _handle(DEFAULT_HANDLE_RIGHT), "handle_type": 0}
    if curve in BEZIER_PRESETS:
        x1, y1, x2, y2 = BEZIER_PRESETS[curve]
        point["handle_left"] = {"X": x2, "Y": y2}
        point["handle_right"] = {"X": x1, "Y": y1}
    return point


def _handle(fractions: tuple[float, float]) -> dict:
    return {"X": fractions[0], "Y": fractions[1]}


def _points_of(value) -> list[dict]:
    """A property's points as a list (a bare number or a missing curve becomes one constant point)."""
    if isinstance(value, dict) and isinstance(value.get("Points"), list):
        return copy.deepcopy(value["Points"])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return constant_curve(float(value))["Points"]
    return []


def _insert(points: list[dict], new: list[dict], curve: str, *, drop_before: bool = False) -> list[dict]:
    """`new` points (sorted by X) added to `points`: existing points in their X span (and before it) are replaced."""
    low, high = new[0]["co"]["X"], new[-1]["co"]["X"]
    floor = -math.inf if not drop_before else high
    kept = [point for point in points if not low <= point["co"]["X"] <= high and not point["co"]["X"] < floor]
    merged = sorted(kept + new, key=lambda point: point["co"]["X"])
    if curve in BEZIER_PRESETS:  # the easing's first handle sits on the point before each new one
        x1, y1 = BEZIER_PRESETS[curve][:2]
        for index, point in enumerate(merged[1:], start=1):
            if point in new:
                merged[index - 1] = {**merged[index - 1], "handle_right": {"X": x1, "Y": y1}}
    return merged


def keyframe_add(*, clip: Clip, fps: float, prop: str, seconds: float, curve: str, value: float) -> Clip:
    """Add (or replace) the point at `seconds` into the clip on property `prop`'s curve."""
    if prop not in KEYFRAME_PROPERTIES:
        raise ValidationError({"property": [f"Unknown property {prop!r}; use one of: {', '.join(KEYFRAME_PROPERTIES)}."]})
    _check_within(clip, seconds, "position_in_seconds")
    json = copy.deepcopy(clip.json or {})
    points = _points_of(json.get(prop, CLIP_CURVE_DEFAULTS[prop]))
    json[prop] = {"Points": _insert(points, [_point(source_frame(clip, seconds, fps), value, curve)], curve)}
    return _save(clip, json)


def _check_within(clip: Clip, seconds: float, field: str) -> None:
    if seconds > clip.duration + 1e-9:
        raise ValidationError({field: [f"The clip lasts {clip.duration:g} s; {seconds:g} s is past its end."]})


# --- presets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    apply: Callable[["_PresetContext"], None]


@dataclass
class _PresetContext:
    clip: Clip
    fps: float
    length: float
    curve: str
    json: dict

    def animate(self, prop: str, start_value: float, end_value: float, *, at_end: bool = False) -> None:
        """`prop` goes from start_value to end_value over `length` seconds at the clip's start (or end)."""
        first = self.clip.duration - self.length if at_end else 0.0
        # an animation at the end ramps linearly from whatever came before it up to its first value
        begin = _point(source_frame(self.clip, first, self.fps), start_value, "Linear" if at_end else self.curve)
        finish = _point(source_frame(self.clip, first + self.length, self.fps), end_value, self.curve)
        points = _points_of(self.json.get(prop, CLIP_CURVE_DEFAULTS[prop]))
        # before the clip's first frame nothing shows: an animation from the start replaces what was there
        self.json[prop] = {"Points": _insert(points, [begin, finish], self.curve, drop_before=not at_end)}

    def hold(self, prop: str, value: float) -> None:
        self.json[prop] = constant_curve(value)


def _place(gravity: int, scale: float = 1.0, scale_mode: int = ScaleMode.FIT) -> Callable[[_PresetContext], None]:
    def apply(ctx: _PresetContext) -> None:
        ctx.json["gravity"] = int(gravity)  # json holds the plain values
        ctx.json["scale"] = int(scale_mode)
        for prop, value in (("scale_x", scale), ("scale_y", scale), ("location_x", 0.0), ("location_y", 0.0)):
            ctx.hold(prop, value)
    return apply


def _both(*steps: Callable[[_PresetContext], None]) -> Callable[[_PresetContext], None]:
    def apply(ctx: _PresetContext) -> None:
        for step in steps:
            step(ctx)
    return apply


def _fade_in(ctx): ctx.animate("alpha", 0.0, 1.0)
def _fade_out(ctx): ctx.animate("alpha", 1.0, 0.0, at_end=True)
def _zoom(start, end): return lambda ctx: (ctx.animate("scale_x", start, end), ctx.animate("scale_y", start, end))
def _slide_in(prop, start): return lambda ctx: ctx.animate(prop, start, 0.0)
def _slide_out(prop, end): return lambda ctx: ctx.animate(prop, 0.0, end, at_end=True)
def _spin(degrees): return lambda ctx: ctx.animate("rotation", 0.0, degrees)


PRESETS: dict[str, Preset] = {preset.name: preset for preset in (
    Preset("Fade In", "alpha 0 → 1 over the first length_in_seconds", _fade_in),
    Preset("Fade Out", "alpha 1 → 0 over the last length_in_seconds", _fade_out),
    Preset("Fade In & Out", "Fade In and Fade Out together", _both(_fade_in, _fade_out)),
    Preset("Zoom In", "scale_x/scale_y 1 → 1.5 over the first length_in_seconds", _zoom(1.0, 1.5)),
    Preset("Zoom Out", "scale_x/scale_y 1.5 → 1 over the first length_in_seconds", _zoom(1.5, 1.0)),
    Preset("Slide In From Left", "location_x -1 → 0 (one frame width) over the first length_in_seconds", _slide_in("location_x", -1.0)),
    Preset("Slide In From Right", "location_x 1 → 0 over the first length_in_seconds", _slide_in("location_x", 1.0)),
    Preset("Slide In From Top", "location_y -1 → 0 (one frame height) over the first length_in_seconds", _slide_in("location_y", -1.0)),
    Preset("Slide In From Bottom", "location_y 1 → 0 over the first length_in_seconds", _slide_in("location_y", 1.0)),
    Preset("Slide Out To Left", "location_x 0 → -1 over the last length_in_seconds", _slide_out("location_x", -1.0)),
    Preset("Slide Out To Right", "location_x 0 → 1 over the last length_in_seconds", _slide_out("location_x", 1.0)),
    Preset("Slide Out To Top", "location_y 0 → -1 over the last length_in_seconds", _slide_out("location_y", -1.0)),
    Preset("Slide Out To Bottom", "location_y 0 → 1 over the last length_in_seconds", _slide_out("location_y", 1.0)),
    Preset("Rotate", "rotation 0 → 360 degrees (clockwise) over the first length_in_seconds", _spin(360.0)),
    Preset("Rotate Counter-Clockwise", "rotation 0 → -360 degrees over the first length_in_seconds", _spin(-360.0)),
    Preset("Center", "gravity centre, scale 1, location 0 (no animation)", _place(Gravity.CENTER)),
    Preset("Top", "gravity top, scale 1, location 0", _place(Gravity.TOP)),
    Preset("Bottom", "gravity bottom, scale 1, location 0", _place(Gravity.BOTTOM)),
    Preset("Left", "gravity left, scale 1, location 0", _place(Gravity.LEFT)),
    Preset("Right", "gravity right, scale 1, location 0", _place(Gravity.RIGHT)),
    Preset("Top Left", "a quarter-size picture (scale 0.5) in the top-left corner", _place(Gravity.TOP_LEFT, 0.5)),
    Preset("Top Right", "a quarter-size picture in the top-right corner", _place(Gravity.TOP_RIGHT, 0.5)),
    Preset("Bottom Left", "a quarter-size picture in the bottom-left corner", _place(Gravity.BOTTOM_LEFT, 0.5)),
    Preset("Bottom Right", "a quarter-size picture in the bottom-right corner", _place(Gravity.BOTTOM_RIGHT, 0.5)),
    Preset("Full Screen", "fill the frame: scale mode crop, gravity centre, scale 1, location 0",
           _place(Gravity.CENTER, 1.0, ScaleMode.CROP)),
)}
#: presets that do not animate (length_in_seconds and curve are ignored)
STATIC_PRESETS = frozenset({"Center", "Top", "Bottom", "Left", "Right", "Top Left", "Top Right", "Bottom Left",
                            "Bottom Right", "Full Screen"})


def presets_documentation() -> str:
    """The preset list as Markdown, for the OpenAPI schema."""
    return "\n".join(f"* `{preset.name}`: {preset.description}" for preset in PRESETS.values())


def preset_name(value: str) -> str:
    """The canonical preset name for `value` (case and spaces forgiven); ValidationError listing the valid ones."""
    return _canonical(value, PRESETS, "preset")


def preset_apply(*, clip: Clip, fps: float, preset: str, length: float, curve: str) -> Clip:
    """Apply a preset (see PRESETS) to the clip's json."""
    if preset not in STATIC_PRESETS:
        if length <= 0:
            raise ValidationError({"length_in_seconds": ["Must be more than 0 seconds."]})
        needed = 2 * length if preset == "Fade In & Out" else length
        if needed > clip.duration + 1e-9:
            raise ValidationError({"length_in_seconds": [
                f"The clip lasts {clip.duration:g} s, too short for {preset} over {length:g} s."
            ]})
    ctx = _PresetContext(clip, fps, length, curve, copy.deepcopy(clip.json or {}))
    PRESETS[preset].apply(ctx)
    return _save(clip, ctx.json)


def keyframes_reset(*, clip: Clip) -> Clip:
    """alpha, scale, location and rotation back to their defaults (constant curves)."""
    json = copy.deepcopy(clip.json or {})
    for prop in RESET_PROPERTIES:
        json[prop] = constant_curve(CLIP_CURVE_DEFAULTS[prop])
    return _save(clip, json)


def _save(clip: Clip, json: dict) -> Clip:
    for prop in KEYFRAME_PROPERTIES:
        if prop in json and (problem := curve_error(json[prop])):
            raise ValidationError({"json": [f"{prop}: {problem}"]})  # a bug here, not bad input: say so loudly
    clip.json = json
    clip.save(update_fields=["json", "date_updated"])
    return clip
