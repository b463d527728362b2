"""The sound: each clip's audio cut, placed and leveled, then all of it summed.

A clip plays its source from `start` for as long as it is visible, from
its position on the timeline: `atrim` + `asetpts` + `adelay` (a delay
counted in samples, so it lands on the same frame as the picture). Its
volume curve becomes a `volume` filter whose value changes by `asendcmd`
command at video-frame boundaries. The mix is `amix` with `normalize=0`
(a plain sum, as libopenshot adds samples) over a silent base of exactly
the output's length, so gaps are silent and the duration is exact.
"""

from __future__ import annotations

from .filtergraph import CommandScript, GraphBuilder, number
from .keyframes import change_frames
from .placement import Placement, RenderWindow
from .properties import ClipProperties
from .timeline import Clip, Output, round_half_away

#: OpenShot's channel layouts are ffmpeg's channel masks
NAMED_LAYOUTS = {0x4: "mono", 0x3: "stereo", 0x7: "3.0", 0x60F: "5.1(side)", 0x3F: "5.1", 0x107: "4.0", 0x33: "quad"}


def channel_layout(output: Output) -> str:
    """An ffmpeg channel layout for the output's OpenShot layout, agreeing with its channel count."""
    mask = output.channel_layout
    if mask and bin(mask).count("1") == output.channels:
        return NAMED_LAYOUTS.get(mask, f"0x{mask:x}")
    return {1: "mono", 2: "stereo"}.get(output.channels, f"{output.channels}c")


def audio_format(output: Output) -> str:
    return f"aformat=sample_fmts=fltp:sample_rates={output.sample_rate}:channel_layouts={channel_layout(output)}"


def clip_audio(
    graph: GraphBuilder,
    clip: Clip,
    props: ClipProperties,
    placement: Placement,
    input_index: int,
    seek_seconds: float,
    output: Output,
    name: str,
) -> str | None:
    """The clip's placed, leveled audio (None when it is muted on every frame)."""
    fps = graph.fps
    first, last = placement.local_start, placement.local_frame(placement.out_end - 1)
    frames = change_frames((props.volume, props.has_audio), first, last)

    def level(frame: int) -> float:
        enabled = round_half_away(props.has_audio.value_at(frame))
        return 0.0 if enabled == 0 else max(0.0, props.volume.value_at(frame))

    levels = [(placement.out_index(frame), level(frame)) for frame in frames]
    if all(value == 0 for _, value in levels):
        return None
    start = placement.src_start / float(fps) - seek_seconds
    end = start + placement.count / float(fps)
    trim = f"atrim=start={number(start)}:end={number(end)}" if start > 0 else f"atrim=end={number(end)}"
    chain = graph.chain(f"[{input_index}:a]").add(trim, "asetpts=PTS-STARTPTS", audio_format(output))
    delay = round_half_away(placement.out_start * output.sample_rate / float(fps))
    if delay:
        chain.add(f"adelay=delays={delay}S:all=1")
    animated = len({value for _, value in levels}) > 1
    volume = f"volume@{name}"
    if animated:
        commands = CommandScript(fps)
        commands.add_changes(volume, "volume", [(index, number(value)) for index, value in levels])
        samples_per_frame = max(1, round_half_away(output.sample_rate / float(fps)))
        chain.add(f"asetnsamples=n={samples_per_frame}:p=0", graph.sendcmd(f"{name}.audio.cmd", commands, audio=True))
        chain.add(f"{volume}=volume={number(levels[0][1])}:eval=frame")
    elif levels[0][1] != 1:
        chain.add(f"{volume}=volume={number(levels[0][1])}")
    return chain.end(f"{name}a")


def mix(graph: GraphBuilder, labels: list[str], window: RenderWindow, output: Output) -> str:
    """Sum the clips' audio over silence of exactly the window's length."""
    samples = round_half_away(window.count * output.sample_rate / float(window.fps))
    silent = graph.label("silence")
    graph.add(f"anullsrc=r={output.sample_rate}:cl={channel_layout(output)},atrim=end_sample={samples}{silent}")
    if not labels:
        return graph.chain(silent).add(audio_format(output)).end("mix")
    out = graph.label("mix")
    inputs = "".join([silent, *labels])
    graph.add(f"{inputs}amix=inputs={len(labels) + 1}:normalize=0:duration=first:dropout_transition=0,"
              f"{audio_format(output)}{out}")
    return out
