"""Effects that move, cut or distort the picture: Pixelate, Crop, Shift and Wave."""

from __future__ import annotations

import math

from ..errors import RenderError
from ..filtergraph import GraphBuilder, number, piecewise
from ..keyframes import change_frames, keyframe_value_at
from ..timeline import round_half_away
from .context import EffectContext, EffectStep


def pixelate(ctx: EffectContext) -> EffectStep:
    """libopenshot shrinks the area inside the margins to (1-p) of its size and draws it back.

    That is blocks of 1/(1-p) pixels: pixelize with that block size, on
    the area inside the margins (p ≥ 1 leaves the image alone, as there).
    """
    amount = ctx.curve("pixelization")
    margins = tuple(ctx.curve(side) for side in ("left", "top", "right", "bottom"))
    name = f"pixelize@{ctx.name}"

    def block(p: float) -> str:
        keep = 1.0 - min(abs(p), 1.0)
        return "1" if keep <= 0 else str(max(1, min(1024, round_half_away(1.0 / keep))))

    size = ctx.animate(name, "w", (amount,), block)
    ctx.animate(name, "h", (amount,), block)
    animated = ctx.animated(amount, *margins) or not ctx.full
    pixelize = f"{name}=w={size}:h={size}{ctx.enable}"
    if not ctx.animated(*margins) and all(ctx.value(m) == 0 for m in margins):
        return EffectStep([] if size == "1" and not animated else [pixelize], animated=animated)
    w, h = ctx.width, ctx.height

    def area(left: float, top: float, right: float, bottom: float) -> tuple[int, int, int, int]:
        x, y = int(left * w), int(top * h)
        return x, y, max(1, w - x - int(right * w)), max(1, h - y - int(bottom * h))

    crop, overlay = f"crop@{ctx.name}c", f"overlay@{ctx.name}o"  # the crop follows the chain's sendcmd
    cx = ctx.animate(crop, "x", margins, lambda *m: str(area(*m)[0]))
    cy = ctx.animate(crop, "y", margins, lambda *m: str(area(*m)[1]))
    cw = ctx.animate(crop, "w", margins, lambda *m: str(area(*m)[2]))
    ch = ctx.animate(crop, "h", margins, lambda *m: str(area(*m)[3]))
    ox = ctx.expression(margins, lambda *m: str(area(*m)[0]))
    oy = ctx.expression(margins, lambda *m: str(area(*m)[1]))

    def wire(graph: GraphBuilder, source: str) -> str:
        whole, part = graph.label(f"{ctx.name}w"), graph.label(f"{ctx.name}p")
        blocks, out = graph.label(f"{ctx.name}b"), graph.label(f"{ctx.name}")
        graph.add(f"{source}split{whole}{part}")
        graph.add(f"{part}{crop}=w={cw}:h={ch}:x={cx}:y={cy}:exact=1,{pixelize}{blocks}")
        graph.add(f"{whole}{blocks}{overlay}=x={ox}:y={oy}:eof_action=pass{ctx.enable}{out}")
        return out

    return EffectStep(branch=wire, animated=animated, new_segment=True)


def crop(ctx: EffectContext) -> EffectStep:
    """The parts outside left/top/right/bottom become transparent (libopenshot keeps the size).

    With `resize` true the image is cut down to the rectangle instead; with
    an x/y offset the rectangle shows content from that far away. Offsets
    and resizing must be constant here; plain margins may be animated.
    """
    sides = tuple(ctx.curve(side) for side in ("left", "top", "right", "bottom"))
    shift_x, shift_y = ctx.curve("x"), ctx.curve("y")
    w, h = ctx.width, ctx.height
    resize = ctx.flag("resize")
    shifted = ctx.animated(shift_x, shift_y) or ctx.value(shift_x) != 0 or ctx.value(shift_y) != 0
    if resize or shifted:
        if ctx.animated(*sides, shift_x, shift_y) or not ctx.full:
            raise RenderError(
                f"Crop ({ctx.owner}) with 'resize' or an x/y offset must be constant over the whole clip."
            )
        left, top, right, bottom = (ctx.value(side) for side in sides)
        px, py = left * w, top * h
        pw, ph = max(0.0, 1 - left - right) * w, max(0.0, 1 - top - bottom) * h
        cx, cy = px + ctx.value(shift_x) * w, py + ctx.value(shift_y) * h
        x0, y0 = max(0.0, cx), max(0.0, cy)
        x1, y1 = min(float(w), cx + pw), min(float(h), cy + ph)
        if x1 - x0 < 1 or y1 - y0 < 1:
            return EffectStep(["format=yuva420p", "lut=a=0"], makes_alpha=True)
        cut = f"crop=w={round(x1 - x0)}:h={round(y1 - y0)}:x={round(x0)}:y={round(y0)}:exact=1"
        if resize:
            return EffectStep([cut], size=(round(x1 - x0), round(y1 - y0)))
        return EffectStep([
            "format=yuva420p", cut,
            f"pad=w={w}:h={h}:x={round(px + (x0 - cx))}:y={round(py + (y0 - cy))}:color=black@0",
        ], makes_alpha=True)
    boxes = []
    bars = {
        # name: (x, y, w, h) of the transparent bar, from (left, top, right, bottom)
        "l": lambda l, t, r, b: (0, 0, int(l * w), h),
        "r": lambda l, t, r, b: (w - int(r * w), 0, int(r * w), h),
        "t": lambda l, t, r, b: (0, 0, w, int(t * h)),
        "b": lambda l, t, r, b: (0, h - int(b * h), w, int(b * h)),
    }
    for key, bar in bars.items():
        first, last = ctx.local_range
        if not ctx.animated(*sides) and min(bar(*(ctx.value(s) for s in sides))[2:]) <= 0:
            continue  # a bar of no size, on every frame

        def geometry(*values, bar=bar):
            x, y, bw, bh = bar(*values)
            return (x, y, bw, bh) if bw > 0 and bh > 0 else (-4, -4, 1, 1)  # drawbox reads 0 as "whole image"

        target = f"drawbox@{ctx.name}{key}"
        params = [
            f"{p}=" + ctx.animate(target, p, sides, lambda *v, i=i: str(geometry(*v)[i]))
            for i, p in enumerate(("x", "y", "w", "h"))
        ]
        boxes.append(f"{target}={':'.join(params)}:color=black@0:t=fill:replace=1{ctx.enable}")
    if not boxes:
        return EffectStep()
    return EffectStep(["format=yuva420p", *boxes], animated=ctx.animated(*sides) or not ctx.full, makes_alpha=True)


#: rgbashift moves a plane by at most this many pixels; longer shifts are split over several filters
RGBASHIFT_MAX = 255


def shift(ctx: EffectContext) -> EffectStep:
    """libopenshot moves the image right by round(W·frac(|x|)) (left when x < 0), down likewise by y,
    wrapping what leaves one side around to the other.

    rgbashift with edge=wrap does exactly that, the same amount on every
    channel (alpha too). A shift by d equals one by d - W when wrapping, so
    every shift is at most half the image; rgbashift moves at most 255
    pixels, so longer shifts are shared out over a few filters in a row.
    Animated x/y become commands on the frames where the pixel shift changes.
    """
    x, y = ctx.curve("x"), ctx.curve("y")
    w, h = ctx.width, ctx.height

    def pixels(value: float, size: int) -> int:
        amount = round_half_away(size * math.fmod(abs(value), 1.0))
        moved = amount if value > 0 else -amount
        return (moved + size // 2) % size - size // 2 if size > 1 else 0  # the shortest equivalent shift

    first, last = ctx.local_range
    frames = change_frames((x, y), first, last)
    shifts = [(pixels(keyframe_value_at(x, f), w), pixels(keyframe_value_at(y, f), h)) for f in frames]
    animated = len(set(shifts)) > 1
    if not animated and shifts[0] == (0, 0):
        return EffectStep()
    count = max(1, max(math.ceil(max(abs(dx), abs(dy)) / RGBASHIFT_MAX) for dx, dy in shifts))

    def part(total: int, index: int) -> str:
        """The share of filter `index` of `count`: they differ by at most 1 and add up to total."""
        return str(total // count + (1 if index < total % count else 0))

    filters = []
    for index in range(count):
        target = f"rgbashift@{ctx.name}s{index + 1}" if count > 1 else f"rgbashift@{ctx.name}"
        args = []
        for axis, size in (("h", w), ("v", h)):
            curve = x if axis == "h" else y
            for channel in "rgba":
                args.append(f"{channel}{axis}=" + ctx.animate(
                    target, f"{channel}{axis}", (curve,),
                    lambda value, size=size, index=index: part(pixels(value, size), index)))
        filters.append(f"{target}={':'.join(args)}:edge=wrap{ctx.enable}")
    return EffectStep(filters, animated=animated or not ctx.full)


def wave(ctx: EffectContext) -> EffectStep:
    """libopenshot's Wave reads each pixel from `wave` pixels further on in the image (row after row,
    as one long line; clamped to the first and last pixel), where on row Y at frame f

        wave = (sin(Y·wavelength + f·speed_y) + shift_x) · (100 + Y·0.001) · multiplier · amplitude

    geq computes that per pixel in RGB (alpha too when the picture has it).
    geq takes no commands, so keyframed values are per-frame expressions of
    its time T; the frame number f is the effect's own (clip) frame number.
    """
    wavelength, amplitude, multiplier = ctx.curve("wavelength"), ctx.curve("amplitude"), ctx.curve("multiplier")
    shift_x, speed_y = ctx.curve("shift_x"), ctx.curve("speed_y")
    gain = ctx.expression((multiplier, amplitude), lambda m, a: number(m * a), variable="T", quoted=False)
    if not ctx.animated(multiplier, amplitude) and float(gain) == 0:
        return EffectStep()
    length = ctx.expression((wavelength,), lambda v: number(v), variable="T", quoted=False)
    offset = ctx.expression((shift_x,), lambda v: number(v), variable="T", quoted=False)
    frame = f"(round(T*{number(float(ctx.fps))})+{ctx.span.local_start - ctx.span.out_start})"
    if ctx.animated(speed_y):  # f·speed_y(f) changes on every frame
        first, last = ctx.local_range
        phase = piecewise([(ctx.span.out_index(f), number(f * keyframe_value_at(speed_y, f)))
                           for f in range(first, last + 1)], ctx.fps, "T")
    else:
        phase = f"{frame}*{number(ctx.value(speed_y))}"
    moving = ctx.animated(wavelength, amplitude, multiplier, shift_x, speed_y) or ctx.value(speed_y) != 0
    offset_px = f"round((sin(Y*({length})+({phase}))+({offset}))*(100+Y*0.001)*({gain}))"
    source = f"st(0,clip(Y*W+X+{offset_px},0,W*H-1))"
    channels = ("r", "g", "b", "alpha") if ctx.has_alpha else ("r", "g", "b")
    args = ":".join(f"{name[0]}='{source};{name}(mod(ld(0),W),trunc(ld(0)/W))'" for name in channels)
    pixel_format = "gbrap" if ctx.has_alpha else "gbrp"
    return EffectStep([f"format={pixel_format}", f"geq@{ctx.name}={args}{ctx.enable}"],
                      animated=moving or not ctx.full)
