"""One clip's picture as a filter chain: timing, effects, size, opacity, rotation.

The chain turns the clip's input into a stream of exactly the frames it
shows, stamped with their output frame index (time base 1/fps), ready to
be overlaid on the canvas:

    video:  setpts=PTS-STARTPTS, fps (map by time), trim to the shown
            source frames, setpts to the output position
    image:  one decoded picture, prepared once, then looped

then the effects, the scale to the posed size, opacity, rotation. Only
what differs from the identity is added: an opaque, unrotated clip whose
size already matches gets no scale and no alpha plane. Values that change
over time start at their first value and change through commands on the
frames where they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .effect_filters import EffectContext, EffectStep
from .effects import effect_spec
from .errors import RenderError
from .filtergraph import Chain, CommandScript, GraphBuilder, number, piecewise
from .keyframes import change_frames
from .placement import Placement
from .properties import ClipProperties
from .timeline import Clip, Effect
from .transform import Pose, diagonal_box, fitted_size, pose_at, rotated_box


@dataclass(frozen=True)
class ClipSource:
    """The clip's `-i` input, and how many source frames input seeking already skipped."""

    input_index: int
    seek_frames: int = 0


@dataclass
class VideoLayer:
    label: str  # the clip's finished stream
    overlay: str  # the overlay filter that puts it on the canvas (x/y: numbers or expressions of t)
    name: str = ""


@dataclass
class _Step:
    filters: list[str]
    animated: bool
    branch: object = None  # EffectStep.branch
    commands_after: tuple[str, CommandScript] | None = None  # (file name, script) of the run after this step


def clip_video(
    graph: GraphBuilder,
    clip: Clip,
    props: ClipProperties,
    placement: Placement,
    source: ClipSource,
    canvas: tuple[int, int],
    layer_effects: list[tuple[Effect, Placement]],
    name: str,
) -> VideoLayer | None:
    media = clip.media
    fps = graph.fps
    if media.width <= 0 or media.height <= 0:
        raise RenderError(f"The media of clip {clip.id} ({media.path}) has no known picture size; probe it again.")
    first, last = placement.local_start, placement.local_frame(placement.out_end - 1)
    first_commands = chain_commands = CommandScript(fps)  # for the filters of the current linear run
    steps: list[_Step] = []
    size = (media.width, media.height)
    has_alpha = False

    # effects, on the clip's own picture (libopenshot applies clip effects before the transform)
    effect_slots = [(effect, placement, f"clip {clip.id}") for effect in clip.all_effects()]
    for effect, span in layer_effects:
        clipped = span.clipped_to(placement.out_start, placement.out_end)
        if clipped is not None:
            effect_slots.append((effect, clipped, f"effect {effect.id}"))
    for number_, (effect, span, owner) in enumerate(effect_slots, start=1):
        spec = effect_spec(effect.type, owner=owner)
        ctx = EffectContext(
            effect=effect, defaults=spec.defaults, name=f"{name}fx{number_}", span=span,
            chain_start=placement.out_start, chain_end=placement.out_end, width=size[0], height=size[1],
            fps=fps, commands=chain_commands, graph=graph, has_alpha=has_alpha, owner=owner,
        )
        step: EffectStep = spec.translate(ctx)
        if step.filters or step.branch:
            steps.append(_Step(step.filters, step.animated, step.branch))
            if step.new_segment:
                chain_commands = CommandScript(fps)
                steps[-1].commands_after = (f"{name}.video{len(steps)}.cmd", chain_commands)
        has_alpha = has_alpha or step.makes_alpha
        size = step.size or size

    # the transform, frame by frame at the frames where any of its curves changes
    base = fitted_size(props.scale, size, canvas)
    curves = (props.scale_x, props.scale_y, props.location_x, props.location_y, props.rotation,
              props.origin_x, props.origin_y, props.alpha, props.has_video)
    frames = change_frames(curves, first, last)
    rotates = any(point.y != 0 for point in props.rotation.points) and any(
        props.rotation.value_at(frame) % 360 != 0 for frame in frames)
    box = None
    if rotates:
        unrotated = [pose_at(props, frame, base, canvas, None, media.has_video) for frame in frames]
        sizes = {(pose.width, pose.height) for pose in unrotated}
        angles = {pose.angle for pose in unrotated}
        if len(sizes) == 1 and len(angles) == 1:
            box = rotated_box(*sizes.pop(), angles.pop())
        else:
            box = diagonal_box(max(w for w, _ in sizes), max(h for _, h in sizes))
    poses = [(placement.out_index(frame), pose_at(props, frame, base, canvas, box, media.has_video)) for frame in frames]
    if all(pose.alpha == 0 for _, pose in poses):
        return None  # hidden on every frame it covers
    steps.extend(_transform_steps(poses, size, box, has_alpha, chain_commands, name))

    x = _quoted(piecewise([(index, str(pose.x)) for index, pose in poses], fps))
    y = _quoted(piecewise([(index, str(pose.y)) for index, pose in poses], fps))
    overlay = f"overlay@{name}=x={x}:y={y}:eof_action=pass"

    label = _emit(graph, clip, placement, source, steps, first_commands, name)
    return VideoLayer(label=label, overlay=overlay, name=name)


def _quoted(expression: str) -> str:
    return f"'{expression}'" if "(" in expression else expression


def _transform_steps(
    poses: list[tuple[int, Pose]],
    source_size: tuple[int, int],
    box: tuple[int, int] | None,
    has_alpha: bool,
    commands: CommandScript,
    name: str,
) -> list[_Step]:
    steps: list[_Step] = []
    first = poses[0][1]
    if first.flip_x or first.flip_y:  # a sign change mid-clip keeps the first frame's mirroring
        steps.append(_Step([f for f, on in (("hflip", first.flip_x), ("vflip", first.flip_y)) if on], False))

    sizes = [(index, (pose.width, pose.height)) for index, pose in poses]
    if any(size != source_size for _, size in sizes):
        animated = len({size for _, size in sizes}) > 1
        scaler = f"scale@{name}"
        commands.add_changes(scaler, "w", [(index, str(size[0])) for index, size in sizes])
        commands.add_changes(scaler, "h", [(index, str(size[1])) for index, size in sizes])
        eval_mode = ":eval=frame" if animated else ""
        steps.append(_Step([f"{scaler}=w={first.width}:h={first.height}{eval_mode}"], animated))

    alphas = [(index, pose.alpha) for index, pose in poses]
    needs_alpha_plane = box is not None or any(alpha != 1 for _, alpha in alphas)
    if needs_alpha_plane and not has_alpha:
        steps.append(_Step(["format=yuva420p"], False))
    if any(alpha != 1 for _, alpha in alphas):
        opacity = f"lut@{name}"
        expression = lambda alpha: "val" if alpha == 1 else f"val*{number(round(alpha, 4))}"  # noqa: E731
        commands.add_changes(opacity, "a", [(index, expression(alpha)) for index, alpha in alphas])
        steps.append(_Step([f"{opacity}=a={expression(first.alpha)}"], len({a for _, a in alphas}) > 1))

    if box is not None:
        rotator = f"rotate@{name}"
        radians = lambda angle: number(angle * 3.141592653589793 / 180.0)  # noqa: E731
        angles = [(index, radians(pose.angle)) for index, pose in poses]
        commands.add_changes(rotator, "a", angles)
        steps.append(_Step(
            [f"{rotator}=a={angles[0][1]}:ow={box[0]}:oh={box[1]}:c=black@0"],
            len({angle for _, angle in angles}) > 1,
        ))
    return steps


def _emit(
    graph: GraphBuilder,
    clip: Clip,
    placement: Placement,
    source: ClipSource,
    steps: list[_Step],
    commands: CommandScript,
    name: str,
) -> str:
    fps = graph.fps
    sendcmd = graph.sendcmd(f"{name}.video.cmd", commands)
    chain = graph.chain(f"[{source.input_index}:v]")
    if clip.media.is_image:
        # everything up to the first time-dependent step runs once, on the single decoded picture
        static = 0
        while static < len(steps) and not steps[static].animated:
            static += 1
        chain = _apply(graph, chain, steps[:static], name)
        time_base = f"{fps.denominator}/{fps.numerator}"
        chain.add(f"loop=loop={placement.count - 1}:size=1:start=0", f"settb={time_base}",
                  f"setpts=N+{placement.out_start}" if placement.out_start else "setpts=N")
        chain.add(sendcmd)
        chain = _apply(graph, chain, steps[static:], name)
        return chain.end(name)
    chain.add(*_video_timing(clip, placement, source, fps), sendcmd)
    chain = _apply(graph, chain, steps, name)
    return chain.end(name)


def _video_timing(clip: Clip, placement: Placement, source: ClipSource, fps: Fraction) -> list[str]:
    filters = ["setpts=PTS-STARTPTS", f"fps={fps}"]
    needed_until = (placement.src_start + placement.count) / float(fps)
    if clip.media.duration <= 0 or needed_until > clip.media.duration - 0.5 / float(fps):
        # past the end of the file libopenshot keeps showing the last frame
        filters.append("tpad=stop=-1:stop_mode=clone")
    skip = placement.src_start - source.seek_frames
    if skip > 0:
        filters.append(f"trim=start_pts={skip}:end_pts={skip + placement.count}")
    else:
        filters.append(f"trim=end_pts={placement.count}")
    filters.append(f"setpts=PTS-STARTPTS+{placement.out_start}" if placement.out_start else "setpts=PTS-STARTPTS")
    return filters


def _apply(graph: GraphBuilder, chain: Chain, steps: list[_Step], name: str) -> Chain:
    for step in steps:
        if step.branch is not None:
            label = chain.end(f"{name}pre")
            chain = graph.chain(step.branch(graph, label))
        chain.add(*step.filters)
        if step.commands_after is not None:
            chain.add(graph.sendcmd(*step.commands_after))
    return chain
