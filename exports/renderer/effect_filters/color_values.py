"""Colours: OpenShot's (keyframed channels or "#RRGGBB") in, ffmpeg's out."""

from __future__ import annotations

import re
from typing import Mapping

from ..errors import RenderError
from ..filtergraph import number
from ..keyframes import Curve
from ..properties import read_curve
from ..timeline import round_half_away
from .context import EffectContext


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
