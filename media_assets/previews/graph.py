"""One ffmpeg command for all of a file's renditions: a single decode, split into every output.

A video is decoded once; its pictures are *conformed* first (frame n of
the source is given the time n / rate, where rate is the source's frame
rate, or for a variable-rate source its average rate), then `split` into
the proxy, the thumbnail frame and the sprite's tiles. Its audio is
decoded once and `asplit` into the proxy's AAC and 16-bit mono samples
piped out (an inherited file descriptor) for the waveform's peaks.
Frames are never dropped or duplicated (`-fps_mode passthrough`), so
proxy frame n is source frame n.

Pure: probe in, argv and a description of the outputs out; no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from media_assets.previews.kinds import (
    AUDIO_PROXY,
    PROXY,
    PROXY_MAX_LINES,
    SPRITE,
    SPRITE_COLUMNS,
    SPRITE_MAX_TILES,
    THUMBNAILS,
    KindSpec,
    kinds_for,
)

#: audio of proxies and waveforms
AUDIO_RATE = 48_000
AUDIO_BITRATE = "128k"
PROXY_CRF = "23"
PROXY_PRESET = "veryfast"
#: bytes the frame counter pipes out per decoded frame
COUNTER_BYTES_PER_FRAME = 4
#: the frame the thumbnails show, as a fraction of the duration (PREVIEW_THUMBNAIL_AT)
DEFAULT_THUMBNAIL_AT = 0.1


@dataclass(frozen=True)
class SpriteLayout:
    """Which frames become tiles (every `step`-th), and how they sit on the sheet."""

    step: int
    tile_width: int
    tile_height: int
    columns: int
    rows: int


@dataclass
class PreviewPlan:
    argv: list[str]
    #: kind name -> local path ffmpeg writes (the waveform's peaks come through `audio_fd` instead)
    outputs: dict[str, Path] = field(default_factory=dict)
    rate: Fraction = Fraction(30)
    frame_count: int = 0
    duration: float = 0.0
    thumbnail_frame: int = 0
    sprite: SpriteLayout | None = None
    audio_fd: int | None = None
    counter_fd: int | None = None
    proxy_size: tuple[int, int] | None = None


def probe_rate(probe: dict) -> Fraction:
    fps = probe.get("fps") or {}
    try:
        rate = Fraction(int(fps["num"]), int(fps["den"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return Fraction(30)
    return rate if rate > 0 else Fraction(30)


#: a source whose average rate differs from its nominal rate by more than this is variable-rate
VARIABLE_RATE_TOLERANCE = 0.01


def conform_rate(nominal: Fraction, *, frames: int, span: float) -> Fraction:
    """The rate frame n is conformed to (frame n at n / rate): the rule of docs/previews.md.

    `frames` is the source's frame count and `span` the time from its first
    frame to the end of its last. A constant-rate source keeps its nominal
    rate exactly (30000/1001 stays 30000/1001). A variable-rate one (its
    average, frames / span, more than 1 % off the nominal rate) gets its
    average rate, as a fraction with a denominator of at most 1001: every
    frame is kept once, evenly spaced, and the duration stays the same.
    """
    if frames < 2 or span <= 0:
        return nominal
    average = Fraction(frames) / Fraction(span)
    if abs(average - nominal) <= nominal * Fraction(VARIABLE_RATE_TOLERANCE):
        return nominal
    return average.limit_denominator(1001)


def display_size(probe: dict) -> tuple[int, int]:
    """The picture's size with square pixels (non-square pixels stretched as players show them)."""
    width, height = int(probe.get("width") or 0), int(probe.get("height") or 0)
    ratio = probe.get("pixel_ratio") or {}
    try:
        pixel = Fraction(int(ratio["num"]), int(ratio["den"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        pixel = Fraction(1)
    if pixel <= 0:
        pixel = Fraction(1)
    return max(1, round(width * pixel)), max(1, height)


def even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def scaled(size: tuple[int, int], width: int) -> tuple[int, int]:
    """`size` scaled to `width` (never up), aspect kept, both sides even."""
    source_width, source_height = size
    width = min(width, source_width)
    return even(width), even(source_height * width / source_width)


def proxy_size(size: tuple[int, int]) -> tuple[int, int]:
    """At most PROXY_MAX_LINES lines (never upscaled), aspect kept, even sides."""
    width, height = size
    lines = min(height, PROXY_MAX_LINES)
    return even(width * lines / height), even(lines)


def sprite_layout(frame_count: int, rate: Fraction, size: tuple[int, int]) -> SpriteLayout:
    """One tile per second up to SPRITE_MAX_TILES; beyond, SPRITE_MAX_TILES tiles evenly spaced."""
    per_second = max(1, round(rate))
    step = max(per_second, math.ceil(frame_count / SPRITE_MAX_TILES)) if frame_count else per_second
    tiles = max(1, math.ceil(max(frame_count, 1) / step))
    tile_width, tile_height = scaled(size, SPRITE.width)
    columns = min(SPRITE_COLUMNS, tiles)
    # one spare row: the frame count is the probe's estimate; the sheet is cropped to the tiles used
    rows = math.ceil(tiles / columns) + 1
    return SpriteLayout(step=step, tile_width=tile_width, tile_height=tile_height, columns=columns, rows=rows)


def preview_plan(source: str, probe: dict, workdir: Path, *, kinds: tuple[str, ...] | None = None,
                 audio_fd: int | None = None, thumbnail_at: float = DEFAULT_THUMBNAIL_AT,
                 rate: Fraction | None = None, frame_count: int | None = None,
                 counter_fd: int | None = None) -> PreviewPlan:
    """The ffmpeg argv making the renditions `kinds` (default: all of the media's) of the video or audio file.

    `rate` and `frame_count` are the conformed rate and the exact frame
    count when the caller has counted them (`conform_rate`); else the
    probe's rate and duration × rate. `counter_fd` gets COUNTER_BYTES_PER_FRAME bytes per
    decoded frame: ffmpeg reports no progress until every output has its
    first frame (the sprite's comes at the end), so the caller counts.
    """
    wanted = [spec for spec in kinds_for(probe) if kinds is None or spec.name in kinds]
    names = {spec.name for spec in wanted}
    rate = rate or probe_rate(probe)
    duration = float(probe.get("duration") or 0.0)
    has_video = probe.get("media_type") == "video"
    has_audio = bool(probe.get("has_audio"))
    if has_video:
        frame_count = frame_count or max(1, round(duration * rate))
    else:
        frame_count = 0
    plan = PreviewPlan(argv=["-hide_banner", "-nostdin", "-y", "-i", source], rate=rate, frame_count=frame_count,
                       duration=duration)
    graph: list[str] = []
    outputs: list[list[str]] = []

    video_branches = [name for name in ("proxy", "thumbnails", "sprite") if has_video and (
        name in names or (name == "thumbnails" and names & {spec.name for spec in THUMBNAILS}))]
    if video_branches and counter_fd is not None:
        video_branches.append("counter")
    if video_branches:
        size = display_size(probe)
        # Conform: frame n at n / rate (the rule for constant and variable rates alike, docs/previews.md).
        graph.append(f"[0:v:0]settb=expr={rate.denominator}/{rate.numerator},setpts=N,"
                     f"split={len(video_branches)}{''.join(f'[v{name}]' for name in video_branches)}")
        if "counter" in video_branches:
            # a 2x2 crop (no scaling of the whole picture): COUNTER_BYTES_PER_FRAME grey bytes a frame
            graph.append("[vcounter]crop=2:2:0:0,format=gray[counter]")
            outputs.append(["-map", "[counter]", "-f", "rawvideo", f"pipe:{counter_fd}"])
            plan.counter_fd = counter_fd
        if "proxy" in video_branches:
            width, height = proxy_size(size)
            plan.proxy_size = (width, height)
            graph.append(f"[vproxy]scale={width}:{height},setsar=1,format=yuv420p[proxy_v]")
        if "thumbnails" in video_branches:
            thumbs = [spec for spec in THUMBNAILS if spec.name in names]
            plan.thumbnail_frame = min(frame_count - 1, max(0, math.floor(frame_count * thumbnail_at)))
            graph.append(f"[vthumbnails]select='eq(n\\,{plan.thumbnail_frame})',"
                         f"split={len(thumbs)}{''.join(f'[{spec.name}_in]' for spec in thumbs)}")
            for spec in thumbs:
                width, height = scaled(size, spec.width)
                graph.append(f"[{spec.name}_in]scale={width}:{height},setsar=1[{spec.name}]")
                path = workdir / spec.filename
                outputs.append(["-map", f"[{spec.name}]", "-frames:v", "1", "-update", "1", "-q:v", "3", str(path)])
                plan.outputs[spec.name] = path
        if "sprite" in video_branches:
            layout = sprite_layout(frame_count, rate, size)
            plan.sprite = layout
            graph.append(f"[vsprite]select='not(mod(n\\,{layout.step}))',scale={layout.tile_width}:{layout.tile_height},"
                         f"setsar=1,tile={layout.columns}x{layout.rows}[sprite]")
            path = workdir / SPRITE.filename
            outputs.append(["-map", "[sprite]", "-frames:v", "1", "-update", "1", "-q:v", "4", str(path)])
            plan.outputs["sprite"] = path

    audio_branches = [name for name in ("proxy", "waveform") if has_audio and (
        name in names or (name == "waveform" and "waveform-image" in names))]
    if audio_branches:
        graph.append(f"[0:a:0]asplit={len(audio_branches)}{''.join(f'[a{name}]' for name in audio_branches)}")
        if "proxy" in audio_branches:
            graph.append(f"[aproxy]aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo[proxy_a]")
        if "waveform" in audio_branches:
            if audio_fd is None:
                raise ValueError("the waveform needs a file descriptor to pipe the samples out through")
            graph.append(f"[awaveform]aresample={AUDIO_RATE},aformat=sample_fmts=s16:channel_layouts=mono[peaks]")
            outputs.append(["-map", "[peaks]", "-f", "s16le", "-ac", "1", f"pipe:{audio_fd}"])
            plan.audio_fd = audio_fd

    if "proxy" in names:
        spec: KindSpec = PROXY if has_video else AUDIO_PROXY
        proxy = ["-map", "[proxy_v]"] if has_video else ["-vn"]
        if has_video:
            # a keyframe at least every second, so a browser seeks to any frame quickly
            gop = max(1, math.floor(rate))
            proxy += ["-c:v", "libx264", "-preset", PROXY_PRESET, "-crf", PROXY_CRF, "-profile:v", "high",
                      "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", "1", "-fps_mode", "passthrough",
                      # the encoder keeps the conformed time base: frame n stays exactly at n / rate
                      "-enc_time_base:v", "filter",
                      "-video_track_timescale", str(_timescale(rate))]
        if has_audio:
            proxy += ["-map", "[proxy_a]", "-c:a", "aac", "-b:a", AUDIO_BITRATE, "-ar", str(AUDIO_RATE), "-ac", "2"]
        path = workdir / spec.filename
        proxy += ["-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", str(path)]
        outputs.insert(0, proxy)
        plan.outputs["proxy"] = path

    if graph:
        plan.argv += ["-filter_complex", ";".join(graph)]
    for output in outputs:
        plan.argv += output
    return plan


def _timescale(rate: Fraction) -> int:
    """A track timescale in which every frame time n / rate is a whole number of ticks."""
    scale = rate.numerator
    while scale < 10_000:
        scale *= 2
    return scale
