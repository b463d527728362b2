"""Keyframe curves, evaluated exactly as libopenshot evaluates them.

An OpenShot property that can be animated is a curve: a list of points
`{"co": {"X": frame, "Y": value}, "interpolation": 0|1|2, "handle_left",
"handle_right", "handle_type"}` (or a bare number, which is a constant
curve). Between two points the *right* point's interpolation decides the
shape: 2 holds the left value, 1 is a straight line, 0 is a cubic Bézier
whose control points are the handles, given as fractions of the segment
(libopenshot's `Point`: left handle (0.5, 1.0), right handle (0.5, 0.0)).
Before the first point the first value holds, after the last the last.

The Bézier is parameterised by t, not by X, so libopenshot searches the t
whose X is within 0.01 of the wanted frame by halving steps from t = 0.5;
`keyframe_value_at` repeats that search step for step, so the value of
every frame matches libopenshot's, not just an ideal curve's.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

# the curve vocabulary is the API's too (re-exported: the renderer's modules name it from here)
from config.media.timeline import DEFAULT_HANDLE_LEFT, DEFAULT_HANDLE_RIGHT, Interpolation  # noqa: F401

#: how close libopenshot's Bézier search gets to the wanted X
BEZIER_ALLOWED_ERROR = 0.01
#: the search halves its step each round; 64 rounds exhaust a double, so
#: a curve whose handles make X non-monotonic cannot loop forever here
BEZIER_MAX_ROUNDS = 64


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    interpolation: Interpolation = Interpolation.BEZIER
    handle_left: tuple[float, float] = DEFAULT_HANDLE_LEFT
    handle_right: tuple[float, float] = DEFAULT_HANDLE_RIGHT
    handle_type: int = 0


@dataclass(frozen=True)
class Curve:
    """Points sorted by X, at most one per X (a later duplicate wins, as in libopenshot)."""

    points: tuple[Point, ...]

    @property
    def is_constant(self) -> bool:
        return len({point.y for point in self.points}) <= 1

    @property
    def first_value(self) -> float:
        return self.points[0].y

    def value_at(self, frame: float) -> float:
        return keyframe_value_at(self, frame)


def constant_curve(value: float) -> Curve:
    return Curve((Point(1.0, float(value), Interpolation.CONSTANT),))


def curve_from_json(value: Any, default: float) -> Curve:
    """Read an OpenShot property: {"Points": [...]}, a bare number, or None (→ default).

    A curve with no points also means the default (libopenshot would read
    0 there, which turns an empty `alpha` into an invisible clip). Raises
    ValueError, with a message naming what is wrong, for anything else.
    """
    if value is None:
        return constant_curve(default)
    if isinstance(value, bool):
        return constant_curve(1.0 if value else 0.0)
    if isinstance(value, (int, float)):
        return constant_curve(_finite(value, "value"))
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"expected a number or a keyframe curve, got the text {value!r}") from None
        return constant_curve(_finite(number, "value"))
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a number or a keyframe curve, got {type(value).__name__}")
    if "Points" not in value:
        raise ValueError('a keyframe curve needs a "Points" list')
    raw_points = value["Points"]
    if raw_points is None:
        return constant_curve(default)
    if not isinstance(raw_points, (list, tuple)):
        raise ValueError('"Points" must be a list of points')
    by_x: dict[float, Point] = {}
    for index, raw in enumerate(raw_points):
        point = _point_from_json(raw, index)
        by_x[point.x] = point
    if not by_x:
        return constant_curve(default)
    return Curve(tuple(by_x[x] for x in sorted(by_x)))


def keyframe_value_at(curve: Curve, frame: float) -> float:
    """The curve's value at a frame number (libopenshot `Keyframe::GetValue`)."""
    points = curve.points
    if len(points) <= 1:
        return points[0].y if points else 0.0
    index = bisect.bisect_left(_xs(curve), frame)
    if index == len(points):
        return points[-1].y
    if index == 0:
        return points[0].y
    if points[index].x == frame:
        return points[index].y
    return _interpolate_between(points[index - 1], points[index], frame)


def curve_changes(curve: Curve, first_frame: int, last_frame: int) -> list[tuple[int, float]]:
    """(frame, value) at `first_frame` and at every later frame whose value differs from the previous one.

    Only the frames inside interpolated segments are evaluated, so a long
    timeline with a short fade costs only the fade.
    """
    if last_frame < first_frame:
        return []
    changes = [(first_frame, keyframe_value_at(curve, first_frame))]
    previous = changes[0][1]
    for frame in _frames_that_may_change(curve, first_frame, last_frame):
        value = keyframe_value_at(curve, frame)
        if value != previous:
            changes.append((frame, value))
            previous = value
    return changes


def change_frames(curves: Iterable[Curve], first_frame: int, last_frame: int) -> list[int]:
    """Sorted frames in [first_frame, last_frame] where at least one of the curves changes value."""
    frames = {first_frame} if last_frame >= first_frame else set()
    for curve in curves:
        frames.update(frame for frame, _ in curve_changes(curve, first_frame, last_frame))
    return sorted(frames)


# --- internals ---------------------------------------------------------------------------------


def _xs(curve: Curve) -> list[float]:
    cached = curve.__dict__.get("_xs")
    if cached is None:
        cached = [point.x for point in curve.points]
        object.__setattr__(curve, "_xs", cached)  # a cache, not state: the curve stays immutable
    return cached


def _frames_that_may_change(curve: Curve, first_frame: int, last_frame: int) -> Iterable[int]:
    points = curve.points
    for left, right in zip(points, points[1:]):
        if left.y == right.y and right.interpolation != Interpolation.BEZIER:
            continue  # flat line or hold of an equal value
        if right.interpolation == Interpolation.CONSTANT:
            # the value jumps to right.y on the frame at (or just after) right.x
            jump = math.ceil(right.x)
            if first_frame < jump <= last_frame:
                yield jump
            continue
        start = max(first_frame + 1, math.floor(left.x) + 1)
        stop = min(last_frame, math.ceil(right.x))
        yield from range(start, stop + 1)


def _interpolate_between(left: Point, right: Point, target: float) -> float:
    if left.x > target:
        return left.y
    if target > right.x:
        return right.y
    if right.interpolation == Interpolation.CONSTANT:
        return left.y
    if right.interpolation == Interpolation.BEZIER:
        return _bezier(left, right, target)
    return left.y + (right.y - left.y) / (right.x - left.x) * (target - left.x)


def _bezier(left: Point, right: Point, target: float) -> float:
    x_diff = right.x - left.x
    y_diff = right.y - left.y
    p0x, p0y = left.x, left.y
    p1x, p1y = p0x + left.handle_right[0] * x_diff, p0y + left.handle_right[1] * y_diff
    p2x, p2y = p0x + right.handle_left[0] * x_diff, p0y + right.handle_left[1] * y_diff
    p3x, p3y = right.x, right.y
    t, t_step = 0.5, 0.25
    y = p0y
    for _ in range(BEZIER_MAX_ROUNDS):
        # Bernstein polynomials, multiplied in libopenshot's order so the doubles agree
        b = [1.0, 3.0, 3.0, 1.0]
        t_exp = 1.0
        for i in range(4):
            b[i] *= t_exp
            t_exp *= t
        one_minus_t_exp = 1.0
        for i in range(4):
            b[3 - i] *= one_minus_t_exp
            one_minus_t_exp *= 1 - t
        x = p0x * b[0] + p1x * b[1] + p2x * b[2] + p3x * b[3]
        y = p0y * b[0] + p1y * b[1] + p2y * b[2] + p3y * b[3]
        if abs(target - x) < BEZIER_ALLOWED_ERROR:
            return y
        if x > target:
            t -= t_step
        else:
            t += t_step
        t_step /= 2
    return y


def _point_from_json(raw: Any, index: int) -> Point:
    where = f"point {index + 1}"
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must be an object with a \"co\" coordinate")
    co = raw.get("co")
    if not isinstance(co, Mapping) or "X" not in co or "Y" not in co:
        raise ValueError(f'{where} needs "co": {{"X": frame, "Y": value}}')
    x = _number(co["X"], f'{where} "co.X"')
    y = _number(co["Y"], f'{where} "co.Y"')
    interpolation = Interpolation.BEZIER
    if raw.get("interpolation") is not None:
        code = raw["interpolation"]
        if isinstance(code, bool) or not isinstance(code, (int, float)) or code not in (0, 1, 2):
            raise ValueError(f"{where} has interpolation {code!r}; expected 0 (Bézier), 1 (linear) or 2 (constant)")
        interpolation = Interpolation(int(code))
    handle_left = _handle(raw.get("handle_left"), DEFAULT_HANDLE_LEFT, f'{where} "handle_left"')
    handle_right = _handle(raw.get("handle_right"), DEFAULT_HANDLE_RIGHT, f'{where} "handle_right"')
    handle_type = raw.get("handle_type") or 0
    if isinstance(handle_type, bool) or not isinstance(handle_type, (int, float)):
        raise ValueError(f'{where} "handle_type" must be 0 or 1')
    return Point(x, y, interpolation, handle_left, handle_right, int(handle_type))


def _handle(raw: Any, default: tuple[float, float], where: str) -> tuple[float, float]:
    if raw is None:
        return default
    if not isinstance(raw, Mapping):
        raise ValueError(f'{where} must be {{"X": fraction, "Y": fraction}}')
    x = _number(raw["X"], f"{where} X") if raw.get("X") is not None else default[0]
    y = _number(raw["Y"], f"{where} Y") if raw.get("Y") is not None else default[1]
    return (x, y)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{where} must be a number, not {value!r}")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ValueError(f"{where} must be a number, not {value!r}") from None
    if not isinstance(value, (int, float)):
        raise ValueError(f"{where} must be a number, not {type(value).__name__}")
    return _finite(value, where)


def _finite(value: float, where: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} must be a finite number, not {value!r}")
    return number
