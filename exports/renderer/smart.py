"""Whether a render may be smart: is its picture exactly some clips' source frames, one after another?

A smart render keeps the sources' compressed frames and re-encodes only the
few around each cut (see `smart_pieces`, `smart_render`). That is only the
same picture a full render draws when every output frame is one source
frame untouched: one visible clip at a time with no gap, each full frame
(no scale, move, rotation, fade or effect), no retiming, and every file's
video stream of the export's codec, size and frame rate and alike in
profile, level, pixel format, field order and time base (a decoder meets
one stream). `smart_decision` is a pure function of the timeline and the
probed `StreamFacts`; its reason is written for the user ("clip 3 is
scaled", "b.mov is ProRes, the export is H.264").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

from . import encoding
from .keyframes import Curve
from .placement import clip_placement, render_window
from .properties import clip_properties
from .timeline import Clip, ExportType, Timeline, round_half_away, timeline_frame_count

#: the export's encoder -> the source codec its frames can be copied from
SMART_CODECS = {"libx264": "h264", "libx265": "hevc"}
CODEC_NAMES = {"h264": "H.264", "hevc": "HEVC", "prores": "ProRes", "mpeg4": "MPEG-4", "vp9": "VP9", "av1": "AV1",
               "mjpeg": "Motion JPEG", "dnxhd": "DNxHD", "mpeg2video": "MPEG-2"}
#: containers whose files are read for packet copies (as PyAV names their demuxers)
SMART_INPUT_FORMATS = ("mov", "mp4", "m4a", "3gp", "3g2", "mj2", "mpegts")
SMART_OUTPUT_FORMATS = ("mp4", "mov")
#: the curves a full-frame clip leaves at their identity, and what the user is told otherwise
IDENTITY_CURVES = (
    ("scale_x", 1.0, "scaled"), ("scale_y", 1.0, "scaled"), ("location_x", 0.0, "moved"),
    ("location_y", 0.0, "moved"), ("rotation", 0.0, "rotated"), ("alpha", 1.0, "faded or transparent"),
)


@dataclass(frozen=True)
class StreamFacts:
    """What a source file's video stream is, as probed (`smart_probe.stream_facts`)."""

    path: str
    container: str  # demuxer name ("mov,mp4,m4a,3gp,3g2,mj2" is given as its first: "mov")
    codec: str  # "h264", "hevc", "prores" ...
    profile: str
    level: int
    width: int
    height: int
    pix_fmt: str
    fps: Fraction
    field_order: str  # "progressive", "unknown", "tt" ...
    time_base: Fraction
    constant_rate: bool = True  # every frame one frame-duration after the last, from 0
    frame_count: int = 0  # 0: unknown


@dataclass(frozen=True)
class ClipRun:
    """Output frames [out_start, out_start+count) are source frames [src_first, src_first+count) of a file."""

    path: str
    src_first: int  # 0-based source frame index
    count: int
    out_start: int
    clip_id: int = 0


@dataclass(frozen=True)
class SmartDecision:
    smart: bool
    reason: str  # why (either way), for json.smart_reason and the log
    runs: tuple[ClipRun, ...] = ()

    @property
    def render_mode(self) -> str:
        return "smart" if self.smart else "full"


class NotSmart(Exception):
    """The timeline does not qualify; the message is the reason."""


def smart_choice(json: Mapping | None) -> object:
    """The export's `json.smart`: "auto" (the default), True or False."""
    value = (json or {}).get("smart", "auto")
    return value if isinstance(value, bool) else "auto"


def smart_problem(value: object) -> str | None:
    """What is wrong with a client's `json.smart` (None when it is "auto", true or false)."""
    if isinstance(value, bool) or value == "auto":
        return None
    return 'json.smart must be "auto", true or false.'


def smart_runs(timeline: Timeline) -> tuple[ClipRun, ...]:
    """The timeline's picture as runs of source frames; NotSmart with the reason when it is anything else."""
    output = timeline.output
    if output.export_type != ExportType.VIDEO:
        raise NotSmart(f"the export is {output.export_type}, not video")
    if encoding.muxer(output) not in SMART_OUTPUT_FORMATS:
        raise NotSmart(f"the export's format is {output.video_format or 'not named'}, not MP4 or MOV")
    if encoding.video_codec(output) not in SMART_CODECS:
        raise NotSmart(f"the export's codec is {output.video_codec}, not H.264 or HEVC")
    if timeline.effects:
        raise NotSmart("the timeline has effects")
    window = render_window(output, timeline_frame_count(timeline))
    runs: list[ClipRun] = []
    for clip in sorted(timeline.clips, key=lambda c: (c.position, c.layer, c.id)):
        placement = clip_placement(clip, window)
        if placement is None:
            continue
        props = clip_properties(clip)
        if not clip.media.provides_video or _always(props.has_video, 0):
            continue  # sound only
        _check_clip_picture(clip, props, placement)
        run = ClipRun(clip.media.path, placement.src_start, placement.count, placement.out_start, clip.id)
        if runs and run.out_start < runs[-1].out_start + runs[-1].count:
            raise NotSmart(f"clips {runs[-1].clip_id} and {clip.id} are both visible on frame "
                           f"{window.first + run.out_start}")
        runs.append(run)
    edges = [0] + [edge for run in runs for edge in (run.out_start, run.out_start + run.count)] + [window.count]
    for start, end in zip(edges[::2], edges[1::2]):
        if start < end:
            raise NotSmart(f"frames {window.first + start}-{window.first + end - 1} show no clip (black)")
    return tuple(runs)


def _check_clip_picture(clip: Clip, props, placement) -> None:
    owner = f"clip {clip.id}"
    if clip.media.is_image:
        raise NotSmart(f"{owner} is a still image")
    effects = clip.all_effects()
    if effects:
        raise NotSmart(f"{owner} has effects ({', '.join(sorted({e.type for e in effects}))})")
    for name, identity, verb in IDENTITY_CURVES:
        if not _always(getattr(props, name), identity):
            raise NotSmart(f"{owner} is {verb}")
    if not _always(props.has_video, 1) and not _always(props.has_video, -1):
        raise NotSmart(f"{owner}'s picture is switched off on some frames")
    first, last = placement.local_start, placement.local_frame(placement.out_end - 1)
    if len(props.time.points) > 1 and any(round_half_away(props.time.value_at(f)) != f for f in range(first, last + 1)):
        raise NotSmart(f"{owner} is retimed")


def _always(curve: Curve, value: float) -> bool:
    return all(point.y == value for point in curve.points)


def check_streams(timeline: Timeline, facts: Mapping[str, StreamFacts], runs: tuple[ClipRun, ...]) -> None:
    """Every file the runs read is of the export's codec, size and rate, and alike the others (NotSmart)."""
    output = timeline.output
    codec = SMART_CODECS[encoding.video_codec(output)]
    for run in runs:
        count = facts[run.path].frame_count
        if count and run.src_first + run.count > count:
            raise NotSmart(f"clip {run.clip_id} runs past the end of {os.path.basename(run.path)} "
                           f"({count} frames)")
    first: StreamFacts | None = None
    for path in dict.fromkeys(run.path for run in runs):
        fact = facts[path]
        name = os.path.basename(path)
        if fact.codec != codec:
            raise NotSmart(f"{name} is {_codec_name(fact.codec)}, the export is {_codec_name(codec)}")
        if fact.container not in SMART_INPUT_FORMATS:
            raise NotSmart(f"{name} is in a {fact.container} container, not MP4, MOV or MPEG-TS")
        if (fact.width, fact.height) != (output.width, output.height):
            raise NotSmart(f"{name} is {fact.width}x{fact.height}, the export is {output.width}x{output.height}")
        if fact.fps != output.fps:
            raise NotSmart(f"{name} is {_rate(fact.fps)} fps, the export is {_rate(output.fps)} fps")
        if not fact.constant_rate:
            raise NotSmart(f"{name} has a variable frame rate")
        if fact.field_order not in ("progressive", "unknown", ""):
            raise NotSmart(f"{name} is interlaced ({fact.field_order})")
        if fact.pix_fmt not in ("yuv420p", "yuvj420p", "yuv420p10le", "yuv422p", "yuv444p", "nv12"):
            raise NotSmart(f"{name} has pixel format {fact.pix_fmt}")
        if first is None:
            first = fact
            continue
        for label, attribute in (("profile", "profile"), ("level", "level"), ("pixel format", "pix_fmt"),
                                 ("time base", "time_base")):
            if getattr(fact, attribute) != getattr(first, attribute):
                raise NotSmart(f"{name} differs from {os.path.basename(first.path)} in {label} "
                               f"({getattr(fact, attribute)} against {getattr(first, attribute)})")


def smart_decision(timeline: Timeline, facts: Mapping[str, StreamFacts], requested: object = "auto") -> SmartDecision:
    """Smart or full, and why. `facts` holds every video file the timeline shows (by path)."""
    if requested is False:
        return SmartDecision(False, "json.smart is false")
    try:
        runs = smart_runs(timeline)
        missing = [run.path for run in runs if run.path not in facts]
        if missing:
            raise NotSmart(f"{os.path.basename(missing[0])} could not be probed")
        check_streams(timeline, facts, runs)
    except NotSmart as why:
        return SmartDecision(False, str(why))
    return SmartDecision(True, "cut-only timeline: every frame is a source frame", runs)


def _codec_name(codec: str) -> str:
    return CODEC_NAMES.get(codec, codec)


def _rate(fps: Fraction) -> str:
    return f"{float(fps):g}" if fps.denominator != 1 else str(fps.numerator)
