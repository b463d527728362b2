"""A timeline in, one ffmpeg command out.

`build_render` decides everything about a render without touching the
disk: the inputs (one `-i` per clip chain, seeking when a clip starts well
into its file), one filter graph and the encoder options. The picture is
a background (the full-canvas opaque clips of each stretch, or black,
joined end to end; see `layout.py`) with every other clip overlaid on it
in layer order; the sound is every clip's audio mixed over silence of the
output's exact length. Per-frame values go into sendcmd scripts. The result
is a `RenderPlan` that `run.py` executes; the files it lists (the graph
script, sendcmd scripts, caption texts) are written by the runner, not here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping

from . import encoding
from .audio import clip_audio, mix
from .errors import RenderError
from .filtergraph import GraphBuilder, escape_value
from .layout import Picture, opaque_ranges, plan_backgrounds
from .placement import Placement, RenderWindow, clip_placement, effect_placement, render_window
from .properties import ClipProperties, clip_properties
from .timeline import Clip, Effect, ExportType, Output, Timeline, round_half_away, timeline_frame_count
from .video import ClipSource, analyse_picture, clip_video

#: clips that start this far into their file seek there instead of decoding the way in
SEEK_MIN_SECONDS = 1.0
GRAPH_FILE = "graph.txt"


@dataclass(frozen=True)
class RenderPlan:
    args: tuple[str, ...]  # ffmpeg argv WITHOUT the binary
    files: Mapping[str, str]  # path (inside workdir) -> text to write before running
    frame_count: int  # frames the output will hold (for progress)
    duration: float  # seconds of output
    directories: tuple[str, ...] = field(default=())  # to create before running (image sequences)


def build_render(timeline: Timeline, *, output_path: str, workdir: str) -> RenderPlan:
    output = timeline.output
    _check_output(output)
    kind = output.export_type
    if not timeline.clips:
        raise RenderError("The timeline has no clips; there is nothing to render.")
    window = render_window(output, timeline_frame_count(timeline))
    graph = GraphBuilder(workdir, output.fps)
    wants_video = kind in (ExportType.VIDEO, ExportType.IMAGE, ExportType.IMAGE_SEQUENCE)
    wants_audio = kind in (ExportType.VIDEO, ExportType.AUDIO, ExportType.WAVEFORM)

    canvas = (output.width, output.height)
    layer_effects = _layer_effects(timeline.effects, window)
    inputs = _Inputs(graph)
    pictures: list[Picture] = []
    sounds: list[tuple[Clip, ClipProperties, Placement, str]] = []
    names: set[str] = set()
    for order, clip in enumerate(sorted(timeline.clips, key=lambda c: (c.layer, c.position))):  # stable sort
        _check_clip(clip)
        placement = clip_placement(clip, window)
        if placement is None:
            continue
        props = clip_properties(clip)
        _check_time_curve(clip, props, placement)
        name = _unique_name(f"clip{clip.id}", names)
        if wants_video and clip.media.provides_video and _can_be_on(props.has_video):
            analysis = analyse_picture(clip, props, placement, canvas, layer_effects.get(clip.layer, []))
            if any(pose.alpha > 0 for _, pose in analysis.poses):
                opaque = opaque_ranges(analysis.poses, placement, analysis.cover)
                pictures.append(Picture(order, clip, props, placement, name, analysis.cover, opaque, analysis))
        if wants_audio and clip.media.provides_audio and _can_be_on(props.has_audio):
            sounds.append((clip, props, placement, name))

    picture_label = None
    if wants_video:
        picture_label = _compose(graph, inputs, pictures, layer_effects, window, output)
    sound_labels = []
    for clip, props, placement, name in sounds:
        source, seek_seconds = inputs.for_audio(clip, name, placement)
        label = clip_audio(graph, clip, props, placement, source.input_index, seek_seconds, output, name)
        if label is not None:
            sound_labels.append(label)

    args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    for item in graph.inputs:
        args += item.argv()
    directories: tuple[str, ...] = ()
    if kind == ExportType.WAVEFORM:
        picture = _waveform(graph, mix(graph, sound_labels, window, output), output)
        frame_count = 1
        png = encoding.image_options(replace(output, image_format="png"))
        out = ["-map", picture, "-frames:v", "1", "-update", "1", *png, "-f", "image2", output_path]
    elif kind == ExportType.AUDIO:
        sound = mix(graph, sound_labels, window, output)
        frame_count = window.count
        out = ["-map", sound, *encoding.audio_options(output), *encoding.container_options(output), output_path]
        encoding.check_container(output, with_video=False, with_audio=True)
    else:
        picture = picture_label
        frame_count = window.count
        pin = ["-r", str(output.fps), "-frames:v", str(window.count)]
        if kind == ExportType.IMAGE:
            out = ["-map", picture, "-frames:v", "1", "-update", "1", *encoding.image_options(output), "-f", "image2",
                   output_path]
        elif kind == ExportType.IMAGE_SEQUENCE:
            directories = (output_path,)
            out = ["-map", picture, *pin, "-start_number", str(window.first), *encoding.image_options(output),
                   "-f", "image2", encoding.image_sequence_pattern(output_path, output)]
        else:
            out = ["-map", picture, *encoding.video_options(output), *pin]
            if sound_labels:
                out += ["-map", mix(graph, sound_labels, window, output), *encoding.audio_options(output)]
            encoding.check_container(output, with_video=True, with_audio=bool(sound_labels))
            out += [*encoding.container_options(output), output_path]

    script_path = graph.add_file(GRAPH_FILE, graph.script())
    args += ["-/filter_complex", script_path, *out]
    return RenderPlan(
        args=tuple(args),
        files=dict(graph.files),
        frame_count=frame_count,
        duration=window.duration,
        directories=directories,
    )


# --- composition ---------------------------------------------------------------------------------


def _compose(
    graph: GraphBuilder,
    inputs: "_Inputs",
    pictures: list[Picture],
    layer_effects: dict[int, list[tuple[Effect, Placement]]],
    window: RenderWindow,
    output: Output,
) -> str:
    """The background stretches joined end to end, then every other picture overlaid, lowest first."""
    canvas = (output.width, output.height)
    backgrounds, drawn = plan_backgrounds(pictures, window.count)
    stretches = []
    for number_, stretch in enumerate(backgrounds, start=1):
        owner = stretch.owner
        if owner is None:
            black = graph.label("black")
            graph.add(f"color=c=black:s={output.width}x{output.height}:r={output.fps},"
                      f"trim=end_frame={stretch.out_end - stretch.out_start}{black}")
            stretches.append(black)
            continue
        placement = owner.placement.clipped_to(stretch.out_start, stretch.out_end)
        name = f"{owner.name}bg{number_}"
        source = inputs.for_video(owner.clip, owner.name, placement)
        stretches.append(clip_video(graph, owner.clip, owner.props, placement, source, canvas,
                                    layer_effects.get(owner.clip.layer, []), name, background=True,
                                    analysis=owner.analysis))
    current = graph.label("background")
    joined = f"concat=n={len(stretches)}:v=1:a=0," if len(stretches) > 1 else ""
    graph.add(f"{''.join(stretches)}{joined}format=yuv420p,setsar=1{current}")
    for picture in pictures:
        # one chain per stretch it shows on (not hidden under an opaque picture nor itself the background)
        ranges = drawn.get(picture.name, [])
        for part, (start, end) in enumerate(ranges, start=1):
            placement = picture.placement.clipped_to(start, end)
            whole = len(ranges) == 1 and placement == picture.placement
            name = picture.name if whole else f"{picture.name}p{part}"
            source = inputs.for_video(picture.clip, picture.name, placement)
            layer = clip_video(graph, picture.clip, picture.props, placement, source, canvas,
                               layer_effects.get(picture.clip.layer, []), name, analysis=picture.analysis)
            if layer is None:
                continue
            main, current = current, graph.label("layer")
            graph.add(f"{main}{layer.label}{layer.overlay}{current}")
    return current


def _waveform(graph: GraphBuilder, sound: str, output: Output) -> str:
    wave = encoding_color(output.wave_color, "wave_color")
    background = encoding_color(output.wave_background_color, "wave_background_color")
    drawn, backdrop, picture = graph.label("wave"), graph.label("wavebg"), graph.label("waveform")
    graph.add(f"{sound}aformat=channel_layouts=mono,showwavespic=s={output.width}x{output.height}:colors={wave},"
              f"setpts=0{drawn}")
    graph.add(f"color=c={background}:s={output.width}x{output.height}:r=1,trim=end_frame=1,setpts=0{backdrop}")
    graph.add(f"{backdrop}{drawn}overlay=x=0:y=0:format=auto{picture}")
    return picture


def encoding_color(text: str, field_name: str) -> str:
    """A colour for ffmpeg from "#RRGGBB", "#RRGGBBAA" or a colour name."""
    raw = (text or "").strip()
    if raw.startswith("#") and len(raw) in (7, 9) and all(c in "0123456789abcdefABCDEF" for c in raw[1:]):
        return "0x" + raw[1:]
    if raw.isalpha():
        return escape_value(raw)
    raise RenderError(f"The {field_name} '{text}' is not a colour such as #00ff00.")


# --- inputs --------------------------------------------------------------------------------------


class _Inputs:
    """One `-i` per chain; a clip's audio shares the input of its picture when both start at the same frame."""

    def __init__(self, graph: GraphBuilder):
        self.graph = graph
        self._audio_free: dict[tuple[str, int, int], tuple[ClipSource, float]] = {}

    def for_video(self, clip: Clip, name: str, placement: Placement) -> ClipSource:
        source, seek_seconds = self._open(clip, placement)
        self._audio_free.setdefault((name, placement.src_start, placement.count), (source, seek_seconds))
        return source

    def for_audio(self, clip: Clip, name: str, placement: Placement) -> tuple[ClipSource, float]:
        shared = self._audio_free.pop((name, placement.src_start, placement.count), None)
        return shared if shared is not None else self._open(clip, placement)

    def _open(self, clip: Clip, placement: Placement) -> tuple[ClipSource, float]:
        """Clips starting well into a video seek there (accurately, half a frame early).

        `-t` stops reading a frame past what the clip shows: the decoders
        would otherwise carry on after the filter graph has all it needs.
        """
        fps = self.graph.fps
        if clip.media.is_image:
            return ClipSource(self.graph.add_input(clip.media.path)), 0.0
        seek, options, seek_frames = 0.0, [], 0
        if placement.src_start / float(fps) >= SEEK_MIN_SECONDS:
            seek = (placement.src_start - 0.5) / float(fps)
            options, seek_frames = ["-ss", f"{seek:.6f}"], placement.src_start
        until = (placement.src_start + placement.count + 1) / float(fps) - seek
        options += ["-t", f"{until:.6f}"]
        return ClipSource(self.graph.add_input(clip.media.path, options), seek_frames=seek_frames), seek


def _layer_effects(effects: tuple[Effect, ...], window: RenderWindow) -> dict[int, list[tuple[Effect, Placement]]]:
    by_layer: dict[int, list[tuple[Effect, Placement]]] = {}
    for effect in sorted(effects, key=lambda e: (e.layer, e.position)):
        if not isinstance(effect.type, str) or not effect.type:
            raise RenderError(f"Effect {effect.id} has no type (such as \"Blur\").")
        placement = effect_placement(effect, window)
        if placement is not None:
            by_layer.setdefault(effect.layer, []).append((effect, placement))
    return by_layer


# --- checks --------------------------------------------------------------------------------------


def _check_output(output: Output) -> None:
    if output.export_type not in ExportType.ALL:
        raise RenderError(f"'{output.export_type}' is not an export type; use one of {', '.join(ExportType.ALL)}.")
    if output.fps is None or output.fps <= 0:
        raise RenderError("The frame rate must be more than zero.")
    if output.width <= 0 or output.height <= 0 or output.width > 16384 or output.height > 16384:
        raise RenderError(f"The size {output.width}x{output.height} is not a picture size this renderer makes.")
    if output.sample_rate <= 0 or output.channels <= 0:
        raise RenderError("The sample rate and the number of channels must be more than zero.")


def _check_clip(clip: Clip) -> None:
    for name in ("position", "start", "end"):
        value = getattr(clip, name)
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise RenderError(f"The {name} of clip {clip.id} must be a number of seconds, 0 or more (it is {value!r}).")
    if not clip.media.path:
        raise RenderError(f"Clip {clip.id} has no media file.")
    if clip.media.media_type not in ("video", "image", "audio"):
        raise RenderError(
            f"The media of clip {clip.id} has type '{clip.media.media_type}'; expected video, image or audio.")


def _check_time_curve(clip: Clip, props: ClipProperties, placement: Placement) -> None:
    """A `time` curve that maps frames to other frames (speed changes, freezes) cannot be rendered here."""
    if len(props.time.points) <= 1:
        return
    first, last = placement.local_start, placement.local_frame(placement.out_end - 1)
    for frame in range(first, last + 1):
        if round_half_away(props.time.value_at(frame)) != frame:
            raise RenderError(
                f"Clip {clip.id} remaps time (its 'time' curve changes speed or direction), which this renderer does "
                "not support yet; reset the clip's time curve."
            )


def _can_be_on(curve) -> bool:
    """False when a has_audio/has_video curve is 0 (off) on every frame of the clip."""
    return not all(round_half_away(point.y) == 0 for point in curve.points)


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, suffix = name, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{name}_{suffix}"
    taken.add(candidate)
    return candidate
