"""The Caption effect: VTT/SubRip cues drawn over the clip while they are due.

The cues are read with the grammar `/clips/<id>/captions/` validates
with (`config.media.captions`: cue times relative to the clip, VTT or
SubRip), so every cue the API accepts is drawn. As in libopenshot, each
cue fades in and out and its words wrap to the caption area between the
left and right margins. Here each cue becomes a `drawtext`
filter enabled on its frames, reading its text from a side file (so no
character in a caption needs escaping).
"""

from __future__ import annotations

from fractions import Fraction

from config.media.captions import caption_cues

from .effect_filters import EffectContext, EffectStep, color_curves, ffmpeg_color
from .filtergraph import escape_value, number
from .keyframes import keyframe_value_at
from .timeline import round_half_away


def caption(ctx: EffectContext) -> EffectStep:
    """VTT/SubRip cues drawn with drawtext while they are due, with libopenshot's fades and layout.

    Cue times are relative to the clip (or effect) start, as in
    libopenshot. Text is wrapped to the caption area by an estimate of the
    glyph width; Qt's exact line breaks and path-stroked outline differ.
    """
    text = ctx.props.get("caption_text")
    if not isinstance(text, str) or not text.strip():
        text = str(ctx.defaults["caption_text"])
    cues = parse_captions(text, ctx.fps)
    first, _last = ctx.local_range
    w, h = ctx.width, ctx.height
    value = lambda name: ctx.value(ctx.curve(name))  # noqa: E731 - captions use the values at the first frame
    size_px = max(1.0, value("font_size") * 4.0 / 3.0)  # points at Qt's 96 dpi
    left, top, right = value("left"), value("top"), value("right")
    x = round_half_away(w * left)
    line_height = 1.17 * size_px
    y = round_half_away(h * top + line_height - 0.93 * size_px)
    area_width = max(1.0, w - w * right - x)
    font = ctx.props.get("caption_font") or ctx.defaults["caption_font"]
    fg = color_curves(ctx, "color")
    stroke = color_curves(ctx, "stroke")
    bg = color_curves(ctx, "background")
    font_alpha = value("font_alpha")
    stroke_width = value("stroke_width")
    fade_in, fade_out = value("fade_in") * float(ctx.fps), value("fade_out") * float(ctx.fps)
    filters = []
    background_alpha = value("background_alpha")
    if background_alpha > 0:
        pad = value("background_padding")
        bg_color = ffmpeg_color(*(keyframe_value_at(c, first) for c in bg[:3]), background_alpha)
        filters.append(
            f"drawbox@{ctx.name}bg=x={round(x - pad / 2)}:y={round(h * top + line_height - pad / 2)}"
            f":w={round(area_width + pad)}:h={h}:color={bg_color}:t=fill{ctx.enable}"
        )
    offset = ctx.span.local_start - ctx.span.out_start  # local frame = output index + offset
    fps = number(float(ctx.fps))
    for index, (start, end, lines) in enumerate(cues):
        lo = max(ctx.span.out_index(start), ctx.span.out_start)
        hi = min(ctx.span.out_index(end), ctx.span.out_end - 1)
        if hi < lo:
            continue
        wrapped = [row for line in lines for row in wrap_words(line, area_width, size_px)]
        path = ctx.graph.add_file(f"{ctx.name}-cue{index + 1}.txt", "\n".join(wrapped))
        frame = f"(t*{fps}+{offset})"
        fades = []
        if fade_in > 0:
            fades.append(f"({frame}-{start})/{number(fade_in)}")
        if fade_out > 0:
            fades.append(f"1-({frame}-({end}-{number(fade_out)}))/{number(fade_out)}")
        alpha = "1"
        if fades:
            alpha = fades[0] if len(fades) == 1 else f"min({fades[0]},{fades[1]})"
            alpha = f"max(0,min(1,{alpha}))"
        if font_alpha != 1:
            alpha = f"{alpha}*{number(max(0.0, min(1.0, font_alpha)))}"
        window = f"between(t,{number((lo - 0.5) / float(ctx.fps))},{number((hi + 0.5) / float(ctx.fps))})"
        options = [
            f"textfile={escape_value(path)}", "expansion=none", f"font={escape_value(str(font))}",
            f"fontsize={number(size_px)}", f"fontcolor={ffmpeg_color(*(keyframe_value_at(c, first) for c in fg[:3]))}",
            f"line_spacing={round_half_away(line_height * 0.6)}", f"x={x}", f"y={y}", f"alpha='{alpha}'",
            f"enable='{window}'",
        ]
        if stroke_width > 0:
            options += [f"borderw={max(1, round_half_away(stroke_width))}",
                        f"bordercolor={ffmpeg_color(*(keyframe_value_at(c, first) for c in stroke[:3]))}"]
        filters.append(f"drawtext@{ctx.name}c{index + 1}=" + ":".join(options))
    return EffectStep(filters, animated=bool(filters))


def parse_captions(text: str, fps: Fraction) -> list[tuple[int, int, list[str]]]:
    """(first frame, last frame, lines) of each cue with text, frames as libopenshot computes them."""
    return [(int(cue.start * float(fps)), int(cue.end * float(fps)), list(cue.lines))
            for cue in caption_cues(text) if cue.lines]


def wrap_words(line: str, width: float, size_px: float) -> list[str]:
    """Greedy word wrap with an average glyph width of 0.55 em."""
    limit = max(1, int(width / (0.55 * size_px)))
    rows: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            rows.append(current)
            current = word
    if current:
        rows.append(current)
    return rows
