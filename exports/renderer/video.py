"""One clip's picture as a filter chain: timing, effects, size, opacity, rotation.

The chain turns the clip's input into a stream of exactly the frames it
shows, stamped with their output frame index (time base 1/fps):

    video:  setpts=PTS-STARTPTS, fps (map by time), trim to the shown
            source frames, setpts to the output position
    image:  one decoded picture, prepared once, then looped

then the effects, the scale to the posed size, opacity, rotation. Only
what differs from the identity is added: an opaque, unrotated clip whose
size already matches gets no scale and no alpha plane. Values that change
over time start at their first value and change through `sendcmd`
commands on the frames where they change; the overlay that places the
clip gets per-frame expressions instead (see `filtergraph.piecewise`).

A clip can play two roles (see `layout.py`): overlaid on what is below
it, or as the background itself, where it needs neither overlay nor alpha
plane (a fade over black is then a per-pixel table toward black).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .effect_filters import EffectContext, EffectStep
from .effects import effect_spec
from .errors import RenderError
from .filtergraph import Chain, CommandScript, GraphBuilder, number, piecewise
from .keyframes import change_frames
from .layout import SEE_THROUGH_EFFECTS, Cover, cover_of
from .placement import Placement
from .properties import ClipProperties
from .timeline import Clip, Effect, round_half_away
from .transform import Pose, diagonal_box, fitted_size, placing_at, pose_of, rotated_box


@dataclass(frozen=True)
class ClipSource:
    """The clip's `-i` input, and how many source frames input seeking already skipped."""

    input_index: int
    seek_frames: int = 0


@dataclass(frozen=True)
class PictureAnalysis:
    box: tuple[int, int] | None  # rotation box, None when the clip is never rotated
    poses: list[tuple[int, Pose]]  # (output index, pose) on every frame where the pose may change
    cover: Cover

    def clipped(self, placement: Placement) -> "PictureAnalysis":
        """The same analysis for a part of the clip (its poses from placement.out_start on)."""
        start, end = placement.out_start, placement.out_end
        current = [(index, pose) for index, pose in self.poses if index <= start][-1]
        inside = [(index, pose) for index, pose in self.poses if start < index < end]
        return PictureAnalysis(self.box, [(start, current[1]), *inside], self.cover)


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


def analyse_picture(
    clip: Clip,
    props: ClipProperties,
    placement: Placement,
    canvas: tuple[int, int],
    layer_effects: list[tuple[Effect, Placement]],
    size: tuple[int, int] | None = None,
) -> PictureAnalysis:
    """The clip's pose on every frame where it may change, and whether it covers the canvas.

    `size` is the picture's size after its effects (the source size by default).
    """
    media = clip.media
    if media.width <= 0 or media.height <= 0:
        raise RenderError(f"The media of clip {clip.id} ({media.path}) has no known picture size; probe it again.")
    first, last = placement.local_start, placement.local_frame(placement.out_end - 1)
    base = fitted_size(props.scale, size or (media.width, media.height), canvas)
    curves = (props.scale_x, props.scale_y, props.location_x, props.location_y, props.rotation,
              props.origin_x, props.origin_y, props.alpha, props.has_video)
    frames = change_frames(curves, first, last)
    placings = [(placement.out_index(frame), placing_at(props, frame, base, canvas, media.has_video))
                for frame in frames]
    rotates = any(placing.angle % 360 != 0 for _, placing in placings)
    box = None
    if rotates:
        sizes = {(round_half_away(p.width), round_half_away(p.height)) for _, p in placings}
        angles = {p.angle for _, p in placings}
        if len(sizes) == 1 and len(angles) == 1:
            box = rotated_box(*sizes.pop(), angles.pop())
        else:
            box = diagonal_box(max(w for w, _ in sizes), max(h for _, h in sizes))
    poses = [(index, pose_of(placing, box)) for index, placing in placings]
    see_through = any(effect.type in SEE_THROUGH_EFFECTS for effect in clip.all_effects()) or any(
        effect.type in SEE_THROUGH_EFFECTS and span.clipped_to(placement.out_start, placement.out_end)
        for effect, span in layer_effects
    )
    # A still may carry transparency (PNG, GIF, WebP, titles rasterised from SVG): it never hides what is under it.
    see_through = see_through or (media.is_image and not may_be_opaque_still(media.path))
    return PictureAnalysis(box, poses, cover_of(poses, canvas, rotates, see_through))


#: still-image formats that cannot hold an alpha channel
OPAQUE_STILL_SUFFIXES = (".jpg", ".jpeg", ".bmp", ".ppm")


def may_be_opaque_still(path: str) -> bool:
    return path.lower().endswith(OPAQUE_STILL_SUFFIXES)


def clip_video(
    graph: GraphBuilder,
    clip: Clip,
    props: ClipProperties,
    placement: Placement,
    source: ClipSource,
    canvas: tuple[int, int],
    layer_effects: list[tuple[Effect, Placement]],
    name: str,
    *,
    background: bool = False,
    analysis: PictureAnalysis | None = None,
) -> VideoLayer | str | None:
    """The clip's chain: a VideoLayer to overlay, or (background=True) the label of a background stretch.

    `analysis` is the clip's `analyse_picture` over its whole placement, if already known.
    """
    fps = graph.fps
    run = _Run(graph, name)
    size = (clip.media.width, clip.media.height)

    # effects act on the clip's own picture, unless their json says "apply_before_clip": false (captions
    # usually do), in which case libopenshot applies them to the placed picture: here, the scaled one
    slots = [(effect, placement, f"clip {clip.id}") for effect in clip.all_effects()]
    for effect, span in layer_effects:
        clipped = span.clipped_to(placement.out_start, placement.out_end)
        if clipped is not None:
            slots.append((effect, clipped, f"effect {effect.id}"))
    before = [slot for slot in slots if _applies_before_clip(slot[0])]
    after = [slot for slot in slots if not _applies_before_clip(slot[0])]
    size = run.add_effects(before, placement, size)

    if analysis is not None and size == (clip.media.width, clip.media.height):
        analysis = analysis.clipped(placement)  # already worked out for the whole clip
    else:
        analysis = analyse_picture(clip, props, placement, canvas, layer_effects, size)
    if not background and all(pose.alpha == 0 for _, pose in analysis.poses):
        return None  # hidden on every frame it covers
    if background:  # covers the canvas: at most a scale to its size, and a fade toward black
        if size != canvas:
            run.steps.append(_Step([f"scale@{name}=w={canvas[0]}:h={canvas[1]}"], False))
        run.add_effects(after, placement, canvas)
        run.steps.extend(_fade_steps(analysis.poses, placement, run.commands, name, fps))
        # background stretches are joined end to end, each starting at time 0
        tail = ["setpts=PTS-STARTPTS"] if placement.out_start else []
        return _emit(graph, clip, placement, source, run.steps, run.first_commands, name, tail)
    run.steps.extend(_transform_steps(analysis.poses, size, analysis.box, run.has_alpha, run.commands, name))
    run.has_alpha = run.has_alpha or analysis.box is not None or any(pose.alpha != 1 for _, pose in analysis.poses)
    if after:
        first = analysis.poses[0][1]
        run.add_effects(after, placement, (first.width, first.height))
    if analysis.box is not None:  # last, with the commands of the linear run it ends
        run.steps.append(_rotation_step(analysis.poses, analysis.box, run.commands, name))
    label = _emit(graph, clip, placement, source, run.steps, run.first_commands, name)

    poses = analysis.poses
    x = _quoted(piecewise([(index, str(pose.x)) for index, pose in poses], fps))
    y = _quoted(piecewise([(index, str(pose.y)) for index, pose in poses], fps))
    overlay = f"overlay@{name}=x={x}:y={y}:eof_action=pass"
    return VideoLayer(label=label, overlay=overlay, name=name)


class _Run:
    """The steps of a clip's chain as they are planned, and the sendcmd script of the current linear run."""

    def __init__(self, graph: GraphBuilder, name: str):
        self.graph, self.name = graph, name
        self.steps: list[_Step] = []
        self.first_commands = self.commands = CommandScript(graph.fps)
        self.has_alpha = False
        self.count = 0

    def add_effects(self, slots: list[tuple[Effect, Placement, str]], placement: Placement,
                    size: tuple[int, int]) -> tuple[int, int]:
        """Translate effects on a picture of `size`; returns the size after them."""
        for effect, span, owner in slots:
            self.count += 1
            spec = effect_spec(effect.type, owner=owner)
            ctx = EffectContext(
                effect=effect, defaults=spec.defaults, name=f"{self.name}fx{self.count}", span=span,
                chain_start=placement.out_start, chain_end=placement.out_end, width=size[0], height=size[1],
                fps=self.graph.fps, commands=self.commands, graph=self.graph, has_alpha=self.has_alpha, owner=owner,
            )
            step: EffectStep = spec.translate(ctx)
            if step.filters or step.branch:
                self.steps.append(_Step(step.filters, step.animated, step.branch))
                if step.new_segment:  # what follows waits on a second input: it needs its own sendcmd
                    self.commands = CommandScript(self.graph.fps)
                    self.steps[-1].commands_after = (f"{self.name}.video{len(self.steps)}.cmd", self.commands)
            self.has_alpha = self.has_alpha or step.makes_alpha
            size = step.size or size
        return size


def _applies_before_clip(effect: Effect) -> bool:
    flag = (effect.properties or {}).get("apply_before_clip", True)
    return flag not in (False, 0, "false", "False", "0")


def _quoted(expression: str) -> str:
    return f"'{expression}'" if "(" in expression else expression


def _windows(ranges: list[tuple[int, int]], fps) -> str:
    """An expression that is true on the output frames of the ranges [start, end)."""
    terms = [f"between(t,{number((start - 0.5) / float(fps))},{number((end - 0.5) / float(fps))})"
             for start, end in ranges]
    return "+".join(terms)


def _transform_steps(
    poses: list[tuple[int, Pose]],
    source_size: tuple[int, int],
    box: tuple[int, int] | None,
    has_alpha: bool,
    commands: CommandScript,
    name: str,
) -> list[_Step]:
    """Mirroring, scaling and opacity (an alpha plane too when the picture will be rotated)."""
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

    return steps


def _rotation_step(poses: list[tuple[int, Pose]], box: tuple[int, int], commands: CommandScript, name: str) -> _Step:
    """Turn the picture in a transparent box that holds it at every angle it takes."""
    rotator = f"rotate@{name}"
    radians = lambda angle: number(angle * 3.141592653589793 / 180.0)  # noqa: E731
    angles = [(index, radians(pose.angle)) for index, pose in poses]
    commands.add_changes(rotator, "a", angles)
    return _Step([f"{rotator}=a={angles[0][1]}:ow={box[0]}:oh={box[1]}:c=black@0"], len({a for _, a in angles}) > 1)


def _fade_steps(poses: list[tuple[int, Pose]], placement: Placement, commands: CommandScript, name: str,
                fps) -> list[_Step]:
    """Opacity of a background over black: luma pulled toward black level, chroma toward grey.

    eq computes `256·(contrast·(i/255 - 0.5) + 0.5 + brightness)` per luma
    level; contrast 255a/256 and the brightness below give `16 + (i-16)·a`,
    rounded. Saturation a scales chroma. eq rebuilds its 256-entry table
    per command (a lut would rebuild 65536 entries per plane), and runs only
    on the frames where the clip is not fully opaque.
    """
    alphas = [(index, round(pose.alpha, 4)) for index, pose in poses]
    if all(alpha == 1 for _, alpha in alphas):
        return []
    fader = f"eq@{name}"

    def contrast(alpha: float) -> str:
        return number(255 * alpha / 256)

    def brightness(alpha: float) -> str:
        return number(16 * (1 - alpha) / 256 - 0.5 + 0.5 * 255 * alpha / 256 + 0.5 / 256)

    commands.add_changes(fader, "contrast", [(index, contrast(alpha)) for index, alpha in alphas])
    commands.add_changes(fader, "brightness", [(index, brightness(alpha)) for index, alpha in alphas])
    commands.add_changes(fader, "saturation", [(index, number(alpha)) for index, alpha in alphas])
    ranges: list[tuple[int, int]] = []  # the output ranges where the clip is not fully opaque
    ends = [index for index, _ in alphas[1:]] + [placement.out_end]
    for (index, alpha), end in zip(alphas, ends):
        if alpha != 1:
            if ranges and ranges[-1][1] == index:
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((index, end))
    first = alphas[0][1]
    enable = "" if ranges == [(placement.out_start, placement.out_end)] else f":enable='{_windows(ranges, fps)}'"
    return [_Step(
        [f"{fader}=contrast={contrast(first)}:brightness={brightness(first)}:saturation={number(first)}{enable}"],
        len({a for _, a in alphas}) > 1 or bool(enable),
    )]


def _emit(
    graph: GraphBuilder,
    clip: Clip,
    placement: Placement,
    source: ClipSource,
    steps: list[_Step],
    commands: CommandScript,
    name: str,
    tail: list[str] = (),
) -> str:
    fps = graph.fps
    sendcmd = graph.sendcmd(f"{name}.video.cmd", commands)
    chain = graph.chain(f"[{source.input_index}:v]")
    if clip.media.is_image:
        # everything up to the first time-dependent step runs once, on the single decoded picture
        static = 0
        while static < len(steps) and not steps[static].animated:
            static += 1
        # commands only ever target time-dependent steps, which all run after the loop: so do their sendcmds
        deferred = [step.commands_after for step in steps[:static] if step.commands_after]
        chain = _apply(graph, chain, [replace(step, commands_after=None) for step in steps[:static]], name)
        time_base = f"{fps.denominator}/{fps.numerator}"
        chain.add(f"loop=loop={placement.count - 1}:size=1:start=0", f"settb={time_base}",
                  f"setpts=N+{placement.out_start}" if placement.out_start else "setpts=N")
        chain.add(sendcmd, *(graph.sendcmd(*late) for late in deferred))
        chain = _apply(graph, chain, steps[static:], name)
        return chain.add(*tail).end(name)
    chain.add(*_video_timing(clip, placement, source, fps), sendcmd)
    chain = _apply(graph, chain, steps, name)
    return chain.add(*tail).end(name)


def _video_timing(clip: Clip, placement: Placement, source: ClipSource, fps) -> list[str]:
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
