"""Effects that are one filter on the picture as it is: tone, colour, blur, deinterlacing.

Brightness/contrast, saturation, hue, blur, negate and deinterlace each
become a single filter on the clip's chain, animated by commands.
"""

from __future__ import annotations

import math

from ..filtergraph import number
from ..timeline import round_half_away
from .context import EffectContext, EffectStep


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
