"""libopenshot effects as ffmpeg filters.

Each translator reads the effect's OpenShot properties through an
`EffectContext` and returns an `EffectStep`: filters to append to the
clip's chain (or, for effects that need a second stream, a function that
wires a small sub-graph). A property that is constant over the frames the
effect covers is baked into the filter's arguments; an animated one gets
its first value there and a command (sent by the clip's `sendcmd`) on
every frame where its value changes; a filter that waits on a second
input (an overlay inside the effect) gets a per-frame expression instead,
as commands sent ahead of such a filter can arrive early. Effects act on
the clip's own image before it is scaled and placed, as libopenshot's
clip effects do, or on the scaled image when the effect's json says
"apply_before_clip": false (`video.py` decides which).

Where ffmpeg has no filter with libopenshot's exact arithmetic the
translation is the closest equivalent, noted at each translator
(`effects.py` repeats the notes in the catalog).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping

from .errors import RenderError
from .filtergraph import CommandScript, GraphBuilder, number, piecewise
from .keyframes import Curve, change_frames, curve_changes, keyframe_value_at
from .placement import Placement
from .properties import read_curve
from .timeline import Effect, round_half_away

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".svg", ".xbm", ".xpm"}


@dataclass
class EffectContext:
    effect: Effect
    defaults: Mapping[str, Any]
    name: str  # unique filter-instance prefix, e.g. "c3fx1"
    span: Placement  # output indices the effect covers, with the effect's own frame numbers
    chain_start: int  # output index range of the whole chain it sits in
    chain_end: int
    width: int  # image size where the effect applies
    height: int
    fps: Fraction
    commands: CommandScript
    graph: GraphBuilder
    has_alpha: bool = False
    owner: str = ""

    @property
    def props(self) -> Mapping[str, Any]:
        return self.effect.properties or {}

    @property
    def full(self) -> bool:
        return self.span.out_start <= self.chain_start and self.span.out_end >= self.chain_end

    @property
    def enable(self) -> str:
        """`:enable=...` limiting a filter to the effect's frames ('' when it covers the whole clip)."""
        if self.full:
            return ""
        first = (self.span.out_start - 0.5) / float(self.fps)
        last = (self.span.out_end - 1 + 0.5) / float(self.fps)
        return f":enable='between(t,{number(first)},{number(last)})'"

    @property
    def local_range(self) -> tuple[int, int]:
        return self.span.local_start, self.span.local_frame(self.span.out_end - 1)

    def curve(self, name: str) -> Curve:
        return read_curve(self.props, name, float(self.defaults[name]), owner=self.owner)

    def value(self, curve: Curve) -> float:
        return keyframe_value_at(curve, self.span.local_start)

    def animated(self, *curves: Curve) -> bool:
        first, last = self.local_range
        return any(len(curve_changes(curve, first, last)) > 1 for curve in curves)

    def values(self, curves: tuple[Curve, ...], render: Callable[..., str]) -> list[tuple[int, str]]:
        """(output index, render(*curve values)) at every frame where one of the curves changes."""
        first, last = self.local_range
        frames = change_frames(curves, first, last)
        return [(self.span.out_index(f), render(*(keyframe_value_at(c, f) for c in curves))) for f in frames]

    def animate(self, target: str, param: str, curves: tuple[Curve, ...], render: Callable[..., str],
                script: CommandScript | None = None) -> str:
        """The first value of `render(*values)` (for the filter's arguments); commands for every change."""
        values = self.values(curves, render)
        (script if script is not None else self.commands).add_changes(target, param, values)
        return values[0][1]

    def expression(self, curves: tuple[Curve, ...], render: Callable[..., str]) -> str:
        """A per-frame expression of t for a filter that waits on two inputs (commands would run ahead)."""
        text = piecewise(self.values(curves, render), self.fps)
        return f"'{text}'" if "(" in text else text

    def flag(self, name: str) -> bool:
        raw = self.props.get(name, self.defaults.get(name))
        if isinstance(raw, Mapping):
            return self.value(self.curve(name)) != 0
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true", "yes")
        return bool(raw)


@dataclass
class EffectStep:
    filters: list[str] = field(default_factory=list)
    animated: bool = False
    branch: Callable[[GraphBuilder, str], str] | None = None  # wires a sub-graph: input label -> output label
    makes_alpha: bool = False
    size: tuple[int, int] | None = None  # the image size after this step, when it changes it
    new_segment: bool = False  # it waits on a second input: later filters need a sendcmd after it


# --- colour helpers ------------------------------------------------------------------------------


def color_curves(ctx: EffectContext, name: str) -> tuple[Curve, Curve, Curve, Curve]:
    """An OpenShot Color ({"red","green","blue","alpha"} curves, or "#RRGGBB"/"#AARRGGBB") as 4 curves."""
    raw = ctx.props.get(name, ctx.defaults.get(name))
    if isinstance(raw, str):
        red, green, blue, alpha = parse_hex_color(raw, f"{name} of {ctx.owner}")
        return tuple(  # type: ignore[return-value]
            read_curve({}, "c", value, owner=ctx.owner) for value in (red, green, blue, alpha))
    if not isinstance(raw, Mapping):
        raise RenderError(f"Property '{name}' of {ctx.owner} must be a colour such as \"#00ff00\".")
    default = parse_hex_color(str(ctx.defaults.get(name, "#000000")), name)
    return tuple(  # type: ignore[return-value]
        read_curve(raw, channel, default[index], owner=f"{ctx.owner} ({name})")
        for index, channel in enumerate(("red", "green", "blue", "alpha"))
    )


def parse_hex_color(text: str, where: str) -> tuple[int, int, int, int]:
    """(r, g, b, a) from "#RRGGBB" or Qt's "#AARRGGBB"."""
    match = re.fullmatch(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{8})", text.strip())
    if not match:
        raise RenderError(f"The colour {text!r} ({where}) is not of the form #RRGGBB.")
    digits = match.group(1)
    alpha = 255
    if len(digits) == 8:
        alpha, digits = int(digits[:2], 16), digits[2:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha


def ffmpeg_color(red: float, green: float, blue: float, alpha: float | None = None) -> str:
    clamp = lambda v: max(0, min(255, round_half_away(v)))  # noqa: E731
    text = f"0x{clamp(red):02x}{clamp(green):02x}{clamp(blue):02x}"
    return text if alpha is None else f"{text}@{number(max(0.0, min(1.0, alpha)))}"


# --- translators ---------------------------------------------------------------------------------


def brightness(ctx: EffectContext) -> EffectStep:
    """libopenshot scales each RGB channel around 128 by 259(c+255)/(255(259-c)), then adds 255·b.

    In YUV that is eq's contrast on luma with the same factor on chroma
    (saturation) and the brightness offset on luma.
    """
    level, contrast = ctx.curve("brightness"), ctx.curve("contrast")
    name = f"eq@{ctx.name}"

    def factor(c: float) -> float:
        c = min(c, 258.0)
        return 259 * (c + 255) / (255 * (259 - c))

    args = ":".join([
        "contrast=" + ctx.animate(name, "contrast", (contrast,),
                                  lambda c: number(max(-1000.0, min(1000.0, factor(c))))),
        "brightness=" + ctx.animate(name, "brightness", (level,), lambda b: number(max(-1.0, min(1.0, b)))),
        "saturation=" + ctx.animate(name, "saturation", (contrast,), lambda c: number(max(0.0, min(3.0, factor(c))))),
    ])
    return EffectStep([f"{name}={args}{ctx.enable}"], animated=ctx.animated(level, contrast) or not ctx.full)


def saturation(ctx: EffectContext) -> EffectStep:
    """Scales colour away from grey, like libopenshot's per-pixel mix; hue's `s` does it on chroma."""
    amount = ctx.curve("saturation")
    name = f"hue@{ctx.name}"
    value = ctx.animate(name, "s", (amount,), lambda s: number(max(-10.0, min(10.0, s))))
    return EffectStep([f"{name}=s={value}{ctx.enable}"], animated=ctx.animated(amount) or not ctx.full)


def hue(ctx: EffectContext) -> EffectStep:
    """libopenshot rotates RGB around the grey axis by 360·hue degrees; hue's `h` rotates chroma."""
    shift = ctx.curve("hue")
    name = f"hue@{ctx.name}"
    value = ctx.animate(name, "h", (shift,), lambda h: number(360.0 * h))
    return EffectStep([f"{name}=h={value}{ctx.enable}"], animated=ctx.animated(shift) or not ctx.full)


def blur(ctx: EffectContext) -> EffectStep:
    """libopenshot runs `iterations` box blurs of the given radii; gblur with the same variance.

    n box passes of radius r have variance n·r(r+1)/3, so σ = √(n·r(r+1)/3)
    per direction. (libopenshot's `sigma` property has no effect on its blur.)
    """
    horizontal, vertical = ctx.curve("horizontal_radius"), ctx.curve("vertical_radius")
    iterations = ctx.curve("iterations")
    name = f"gblur@{ctx.name}"

    def sigma(radius: float, passes: float) -> str:
        r, n = max(0, int(radius)), max(0, round_half_away(passes))
        return number(min(1024.0, math.sqrt(n * r * (r + 1) / 3.0)))

    sigma_h = ctx.animate(name, "sigma", (horizontal, iterations), sigma)
    sigma_v = ctx.animate(name, "sigmaV", (vertical, iterations), sigma)
    animated = ctx.animated(horizontal, vertical, iterations)
    if not animated and sigma_h == "0" and sigma_v == "0":
        return EffectStep()
    return EffectStep([f"{name}=sigma={sigma_h}:sigmaV={sigma_v}:steps=3{ctx.enable}"],
                      animated=animated or not ctx.full)


def negate(ctx: EffectContext) -> EffectStep:
    return EffectStep([f"negate@{ctx.name}{'=' + ctx.enable[1:] if ctx.enable else ''}"], animated=not ctx.full)


def deinterlace(ctx: EffectContext) -> EffectStep:
    """libopenshot keeps one field and stretches it; yadif interpolates the missing lines instead."""
    parity = "tff" if ctx.flag("isOdd") else "bff"
    return EffectStep([f"yadif@{ctx.name}=mode=send_frame:parity={parity}:deint=all{ctx.enable}"],
                      animated=not ctx.full)


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


def chroma_key(ctx: EffectContext) -> EffectStep:
    """Pixels within `fuzz` of the key colour become transparent.

    libopenshot measures a "redmean" RGB distance (0..~765); colorkey
    measures plain RGB distance as a fraction, about 1/765 of it. `halo`
    becomes colorkey's soft edge. Every key method is treated as basic.
    """
    red, green, blue, _ = color_curves(ctx, "color")
    fuzz, halo = ctx.curve("fuzz"), ctx.curve("halo")
    name = f"colorkey@{ctx.name}"
    color = ctx.animate(name, "color", (red, green, blue), lambda r, g, b: ffmpeg_color(r, g, b))
    similarity = ctx.animate(name, "similarity", (fuzz,), lambda f: number(max(0.00001, min(1.0, f / 765.0))))
    blend = ctx.animate(name, "blend", (halo,), lambda h: number(max(0.0, min(1.0, h / 765.0))))
    animated = ctx.animated(red, green, blue, fuzz, halo) or not ctx.full
    return EffectStep(
        ["format=rgba", f"{name}=color={color}:similarity={similarity}:blend={blend}{ctx.enable}", "format=yuva420p"],
        animated=animated,
        makes_alpha=True,
    )


def mask(ctx: EffectContext) -> EffectStep:
    """A grey image (or video) wipes the clip away: white becomes transparent, black stays.

    libopenshot: alpha ·= clamp(255 - (20/(20-c)·(grey + 255·b - 128) + 128)) / 255.
    That is a per-grey-level table (lut, re-sent when brightness/contrast
    animate) merged in as the clip's alpha. `replace_image` shows the mask
    itself, as grey.
    """
    reader = ctx.props.get("reader") or {}
    path = reader.get("path") if isinstance(reader, Mapping) else None
    if not path:
        return EffectStep()  # libopenshot applies no mask without a reader
    level, contrast = ctx.curve("brightness"), ctx.curve("contrast")
    lut = f"lut@{ctx.name}"

    def table(b: float, c: float) -> str:
        factor = 20.0 / max(0.00001, 20.0 - c)
        return f"'clip(255-({number(factor)}*(val+{number(255 * b)}-128)+128),0,255)'"

    mask_commands = CommandScript(ctx.fps)  # sent from the mask's own chain, in step with its frames
    expression = ctx.animate(lut, "c0", (level, contrast), table, script=mask_commands)
    is_image = bool(reader.get("has_single_image")) or reader.get("media_type") == "image" \
        or reader.get("type") == "QtImageReader" or os.path.splitext(str(path))[1].lower() in IMAGE_EXTENSIONS
    replace = ctx.flag("replace_image")
    span = ctx.span

    def wire(graph: GraphBuilder, source: str) -> str:
        index = graph.add_input(str(path))
        if is_image:
            timing = (f"loop=loop={span.count - 1}:size=1:start=0,settb={ctx.fps.denominator}/{ctx.fps.numerator},"
                      f"setpts=N+{span.out_start}")
            timing = f"scale=w={ctx.width}:h={ctx.height},format=gray,{timing}"
        else:
            timing = (f"setpts=PTS-STARTPTS,fps={ctx.fps},tpad=stop=-1:stop_mode=clone,"
                      f"trim=start_pts={span.src_start}:end_pts={span.src_start + span.count},"
                      f"setpts=PTS-STARTPTS+{span.out_start},scale=w={ctx.width}:h={ctx.height},format=gray")
        matte = graph.label(f"{ctx.name}m")
        sendcmd = graph.sendcmd(f"{ctx.name}.mask.cmd", mask_commands)
        graph.add(f"[{index}:v]{timing},{sendcmd + ',' if sendcmd else ''}{lut}=c0={expression}{matte}")
        out = graph.label(ctx.name)
        if replace:
            graph.add(f"{source}{matte}overlay=x=0:y=0:eof_action=pass{ctx.enable},format=yuva420p{out}")
            return out
        if ctx.has_alpha:  # multiply the existing alpha by the matte
            keep, alpha, extracted, product = (graph.label(f"{ctx.name}{k}") for k in ("k", "a", "e", "x"))
            graph.add(f"{source}format=yuva420p,split{keep}{alpha}")
            graph.add(f"{alpha}alphaextract,format=gray{extracted}")
            graph.add(f"{extracted}{matte}blend=all_mode=multiply{product}")
            graph.add(f"{keep}{product}alphamerge{ctx.enable}{out}")
        else:
            graph.add(f"{source}format=yuva420p{matte}alphamerge{ctx.enable}{out}")
        return out

    return EffectStep(branch=wire, animated=True, makes_alpha=True, new_segment=True)
