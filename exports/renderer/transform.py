"""Where a clip's picture lands on the canvas, frame by frame (libopenshot's `get_transform`).

The source size is first fitted to the canvas by the scale mode (Qt's
integer `QSize::scale`), then multiplied by scale_x/scale_y, aligned by
gravity, moved by location_x/y (fractions of the canvas) and rotated about
its origin point (origin_x/y, the centre by default). The result for one
frame is a `Pose`: the pixel size to scale to, the angle, the opacity and
the top-left corner of the (rotated) picture's box on the canvas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .properties import ClipProperties
from .timeline import Gravity, ScaleMode, round_half_away


@dataclass(frozen=True)
class Pose:
    width: int  # pixel size of the scaled picture (at least 1)
    height: int
    x: int  # top-left of the picture (or of its rotation box) on the canvas
    y: int
    alpha: float  # 0..1, 0 when the clip is hidden on this frame
    angle: float  # degrees, clockwise
    flip_x: bool
    flip_y: bool


def fitted_size(mode: ScaleMode, source: tuple[int, int], canvas: tuple[int, int]) -> tuple[int, int]:
    """The source size after the scale mode, with Qt's integer arithmetic."""
    sw, sh = source
    cw, ch = canvas
    if mode == ScaleMode.STRETCH:
        return cw, ch
    if mode == ScaleMode.NONE or sw <= 0 or sh <= 0:
        return sw, sh
    scaled_width = ch * sw // sh
    if mode == ScaleMode.FIT:
        use_height = scaled_width <= cw
    else:  # CROP: keep the aspect ratio by expanding
        use_height = scaled_width >= cw
    if use_height:
        return scaled_width, ch
    return cw, cw * sh // sw


def gravity_offset(gravity: Gravity, size: tuple[float, float], canvas: tuple[int, int]) -> tuple[float, float]:
    w, h = size
    cw, ch = canvas
    column = gravity % 3  # 0 left, 1 centre, 2 right
    row = gravity // 3  # 0 top, 1 middle, 2 bottom
    x = (0.0, (cw - w) / 2.0, cw - w)[column]
    y = (0.0, (ch - h) / 2.0, ch - h)[row]
    return x, y


def rotated_box(width: int, height: int, angle: float) -> tuple[int, int]:
    """The even-sized box that holds a width x height picture rotated by angle degrees."""
    radians = math.radians(angle)
    cos, sin = abs(math.cos(radians)), abs(math.sin(radians))
    box_w = math.ceil(width * cos + height * sin - 1e-9)
    box_h = math.ceil(width * sin + height * cos - 1e-9)
    return box_w + box_w % 2, box_h + box_h % 2


def diagonal_box(width: int, height: int) -> tuple[int, int]:
    """A square box that holds the picture at any angle."""
    side = math.ceil(math.hypot(width, height))
    side += side % 2
    return side, side


@dataclass(frozen=True)
class Placing:
    """A frame's geometry before rounding: the scaled size, top-left corner, angle, origin."""

    width: float
    height: float
    x: float
    y: float
    angle: float
    origin_x: float
    origin_y: float
    alpha: float
    flip_x: bool
    flip_y: bool


def placing_at(
    props: ClipProperties, frame: int, base: tuple[int, int], canvas: tuple[int, int], auto_video: bool
) -> Placing:
    """The clip's geometry on its source frame `frame` (libopenshot's get_transform, before rotation)."""
    value = lambda curve: curve.value_at(frame)  # noqa: E731
    scale_x, scale_y = value(props.scale_x), value(props.scale_y)
    w, h = base[0] * abs(scale_x), base[1] * abs(scale_y)
    x, y = gravity_offset(props.gravity, (w, h), canvas)
    x += canvas[0] * value(props.location_x)
    y += canvas[1] * value(props.location_y)
    alpha = min(1.0, max(0.0, value(props.alpha)))
    has_video = round_half_away(value(props.has_video))
    if has_video == 0 or (has_video == -1 and not auto_video) or round_half_away(w) < 1 or round_half_away(h) < 1:
        alpha = 0.0
    return Placing(w, h, x, y, value(props.rotation), value(props.origin_x), value(props.origin_y), alpha,
                   scale_x < 0, scale_y < 0)


def pose_of(placing: Placing, box: tuple[int, int] | None) -> Pose:
    """Round a geometry to pixels; with a rotation box, place the box so the picture turns about its origin."""
    w, h, x, y = placing.width, placing.height, placing.x, placing.y
    if box is not None:
        origin_x, origin_y = x + placing.origin_x * w, y + placing.origin_y * h
        dx, dy = x + w / 2.0 - origin_x, y + h / 2.0 - origin_y
        radians = math.radians(placing.angle)
        centre_x = origin_x + dx * math.cos(radians) - dy * math.sin(radians)
        centre_y = origin_y + dx * math.sin(radians) + dy * math.cos(radians)
        x, y = centre_x - box[0] / 2.0, centre_y - box[1] / 2.0
    return Pose(
        width=max(1, round_half_away(w)), height=max(1, round_half_away(h)), x=round_half_away(x),
        y=round_half_away(y), alpha=placing.alpha, angle=placing.angle, flip_x=placing.flip_x, flip_y=placing.flip_y,
    )

