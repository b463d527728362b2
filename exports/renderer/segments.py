"""Segment-parallel renders: splitting a render's frame range, and joining the pieces without re-encoding.

Pure: plain data in, plain data out. A long video render is split at frame
boundaries (`segment_ranges`); each segment is an ordinary render of its
frame range with the sound taken out (`segment_timeline`), so it starts
with an IDR frame (x264/x265 begin every encode with one, and their GOPs
are closed by default) and uses the same encoder settings as its
neighbours. The sound is rendered once for the whole range
(`audio_timeline`). `join_args` builds the ffmpeg command that
concatenates the segments' video bitstreams with the concat demuxer
(stream copy: no frame is decoded or encoded again) and muxes the sound
beside it, `+faststart` for MP4/MOV.
"""

from __future__ import annotations

import math
from dataclasses import replace

from . import encoding
from .errors import RenderError
from .placement import render_window
from .timeline import ExportType, Timeline, timeline_frame_count

#: "auto" segments a render only when it is longer than this many segment lengths
AUTO_FACTOR = 1.5
#: the most segments one render is split into
MAX_SEGMENTS = 64
#: codecs whose encodes start with an IDR frame and have closed GOPs (what the join relies on)
SEGMENT_CODECS = ("libx264", "libx265")
SEGMENT_FORMATS = ("mp4", "mov")


def segments_choice(json) -> object:
    """The export's `json.segments`: "auto" (the default), False or a number of segments."""
    value = (json or {}).get("segments", "auto")
    return value if value is False or (isinstance(value, int) and not isinstance(value, bool)) else "auto"


def segments_problem(value: object) -> str | None:
    """What is wrong with a client's `json.segments` (None when it is "auto", false or a count 1–64)."""
    if value is False or value == "auto":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SEGMENTS:
        return None
    return f'json.segments must be "auto", false or a number of segments from 1 to {MAX_SEGMENTS}.'


def segment_count(timeline: Timeline, requested: object, segment_seconds: float) -> tuple[int, str]:
    """How many segments this render is split into (1: not segmented), and why."""
    output = timeline.output
    if requested is False:
        return 1, "json.segments is false"
    if output.export_type != ExportType.VIDEO:
        return 1, f"the export is {output.export_type}, not video"
    if encoding.video_codec(output) not in SEGMENT_CODECS or encoding.muxer(output) not in SEGMENT_FORMATS:
        return 1, "only H.264/HEVC renders in MP4/MOV are segmented"
    window = render_window(output, timeline_frame_count(timeline))
    if isinstance(requested, int) and not isinstance(requested, bool):
        count = min(requested, window.count)
        return count, f"json.segments is {requested}"
    seconds = window.count / float(output.fps)
    if segment_seconds <= 0 or seconds <= AUTO_FACTOR * segment_seconds:
        return 1, f"{seconds:.1f} s is not longer than {AUTO_FACTOR:g} × RENDER_SEGMENT_SECONDS"
    count = min(MAX_SEGMENTS, math.ceil(seconds / segment_seconds))
    return count, f"{seconds:.1f} s in segments of about {segment_seconds:g} s"


def segment_ranges(first: int, last: int, count: int) -> list[tuple[int, int]]:
    """`count` inclusive frame ranges covering first..last exactly, as equal as whole frames allow."""
    total = last - first + 1
    if count < 1 or count > total:
        raise RenderError(f"Cannot split {total} frames into {count} segments.")
    bounds = [first + (total * index) // count for index in range(count + 1)]
    return [(bounds[index], bounds[index + 1] - 1) for index in range(count)]


def render_range(timeline: Timeline) -> tuple[int, int]:
    window = render_window(timeline.output, timeline_frame_count(timeline))
    return window.first, window.last


def segment_timeline(timeline: Timeline, first: int, last: int) -> Timeline:
    """The timeline rendering only frames first..last, picture only (the sound is rendered once, apart)."""
    clips = tuple(replace(clip, media=replace(clip.media, has_audio=False)) for clip in timeline.clips)
    return replace(timeline, clips=clips, output=replace(timeline.output, start_frame=first, end_frame=last))


def audio_timeline(timeline: Timeline) -> Timeline:
    """The whole range's sound alone, mixed exactly as the full render mixes it (an audio export in MP4)."""
    return replace(timeline, output=replace(timeline.output, export_type=ExportType.AUDIO, video_format="mp4"))


def has_sound(timeline: Timeline) -> bool:
    return any(clip.media.provides_audio for clip in timeline.clips)


def concat_list(paths: list[str]) -> str:
    """The concat demuxer's list file for `paths`, in order."""
    def quoted(path: str) -> str:
        return "'" + path.replace("'", "'\\''") + "'"
    return "ffconcat version 1.0\n" + "".join(f"file {quoted(path)}\n" for path in paths)


def join_args(*, list_path: str, audio_path: str | None, output_path: str, timeline: Timeline) -> list[str]:
    """ffmpeg argv (without the binary): the segments' video copied end to end, the sound muxed beside it."""
    args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", list_path]
    maps = ["-map", "0:v:0"]
    if audio_path:
        args += ["-i", audio_path]
        maps += ["-map", "1:a:0"]
    return [*args, *maps, "-c", "copy", *encoding.container_options(timeline.output), output_path]
