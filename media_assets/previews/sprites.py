"""The scrub sheet's WebVTT track: one cue per tile, pointing into the sheet as `sprite.jpg#xywh=x,y,w,h`.

That is the form video.js's thumbnails plugins and Plyr's
`previewThumbnails` read. Tile i shows frame i × step of the conformed
video and covers [i × step, (i + 1) × step) / rate, the last cue ending at
the duration.
"""

from __future__ import annotations

import math
from fractions import Fraction

from media_assets.previews.graph import SpriteLayout
from media_assets.previews.kinds import SPRITE


def tile_count(layout: SpriteLayout, frame_count: int) -> int:
    """Tiles the sheet holds for a video of `frame_count` frames (at most the grid's)."""
    return max(1, min(layout.columns * layout.rows, math.ceil(max(frame_count, 1) / layout.step)))


def vtt_timestamp(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def sprite_vtt(layout: SpriteLayout, *, tiles: int, rate: Fraction, duration: float,
               sheet_name: str = SPRITE.filename) -> str:
    lines = ["WEBVTT", ""]
    for index in range(tiles):
        start = float(index * layout.step / rate)
        end = duration if index == tiles - 1 else float((index + 1) * layout.step / rate)
        x = (index % layout.columns) * layout.tile_width
        y = (index // layout.columns) * layout.tile_height
        lines += [f"{vtt_timestamp(start)} --> {vtt_timestamp(max(end, start + 0.001))}",
                  f"{sheet_name}#xywh={x},{y},{layout.tile_width},{layout.tile_height}", ""]
    return "\n".join(lines)


def used_rows(layout: SpriteLayout, tiles: int) -> int:
    return math.ceil(tiles / layout.columns)
