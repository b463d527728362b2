"""Montage's render engine: a timeline of plain data in, one ffmpeg run out.

Pure Python with no Django imports. `timeline` holds the input dataclasses,
`keyframes` the curve maths, `graph.build_render` turns a timeline into a
`RenderPlan` (ffmpeg argv plus side files), and `run.run_render` executes it
with progress, cancellation and a time limit. `effects.effect_catalog`
describes the supported libopenshot effects.
"""

from .effects import effect_catalog
from .errors import RenderCancelled, RenderError, RenderFailed, RenderTimedOut
from .graph import RenderPlan, build_render
from .keyframes import Curve, Point, curve_changes, curve_from_json, keyframe_value_at
from .run import RunResult, ffmpeg_binary, run_render
from .timeline import Clip, Effect, Media, Output, Timeline, timeline_frame_count

__all__ = [
    "Clip", "Curve", "Effect", "Media", "Output", "Point", "RenderCancelled", "RenderError", "RenderFailed",
    "RenderPlan", "RenderTimedOut", "RunResult", "Timeline", "build_render", "curve_changes", "curve_from_json",
    "effect_catalog", "ffmpeg_binary", "keyframe_value_at", "run_render", "timeline_frame_count",
]
