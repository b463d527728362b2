"""Where a clip or effect lands in the rendered output, in whole frames.

libopenshot shows a clip on timeline frames `round(position*fps)+1` through
`round((position+duration)*fps)`, and on timeline frame f its source frame
`f - (round(position*fps)+1) + (round(start*fps)+1)`. An export renders a
window of timeline frames [first, last]; the output's frame index j
(0-based) is timeline frame `first + j`. Everything downstream (trims,
setpts offsets, command times, keyframe X values) is derived from the
numbers computed here, so they all agree frame for frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .errors import RenderError
from .timeline import Clip, Effect, ExportType, Output, round_half_away, seconds_to_frame


@dataclass(frozen=True)
class RenderWindow:
    """Timeline frames first..last (1-based, inclusive) become output frames 0..count-1."""

    first: int
    last: int
    fps: Fraction

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def duration(self) -> float:
        return self.count / float(self.fps)


@dataclass(frozen=True)
class Placement:
    """A span of output frames and the item-local frame number shown on the first of them.

    For a clip, the local frame number is the source frame number (1-based,
    at the output frame rate, including the trim start): the X of its
    keyframes. For a timeline effect it is the effect's own frame number.
    """

    out_start: int  # 0-based output frame index of the first frame
    count: int
    local_start: int  # local frame number (1-based) shown at out_start

    @property
    def out_end(self) -> int:
        """Output index just past the last frame."""
        return self.out_start + self.count

    @property
    def src_start(self) -> int:
        """0-based index of the first source frame (at the output frame rate)."""
        return self.local_start - 1

    def local_frame(self, out_index: int) -> int:
        return self.local_start + (out_index - self.out_start)

    def out_index(self, local_frame: int) -> int:
        return self.out_start + (local_frame - self.local_start)

    def clipped_to(self, out_start: int, out_end: int) -> "Placement | None":
        """The part of this placement inside output indices [out_start, out_end)."""
        start = max(self.out_start, out_start)
        end = min(self.out_end, out_end)
        if end <= start:
            return None
        return Placement(start, end - start, self.local_frame(start))


def render_window(output: Output, timeline_frames: int) -> RenderWindow:
    """The inclusive frame range an export renders (one frame for an image)."""
    first = output.start_frame if output.start_frame and output.start_frame > 0 else 1
    if timeline_frames <= 0:
        raise RenderError("The timeline has no clips with a duration; there is nothing to render.")
    if first > timeline_frames:
        raise RenderError(
            f"The start frame {first} is past the end of the timeline, which has {timeline_frames} frames."
        )
    if output.export_type == ExportType.IMAGE:
        return RenderWindow(first, first, output.fps)
    last = output.end_frame
    if last is None or last == -1 or last == 0:
        last = timeline_frames
    if last < first:
        raise RenderError(f"The end frame {last} is before the start frame {first}.")
    return RenderWindow(first, last, output.fps)


def span_placement(position: float, start: float, duration: float, window: RenderWindow) -> Placement | None:
    """Placement of anything positioned like a clip (clips and timeline effects)."""
    fps = window.fps
    position_frame = seconds_to_frame(position, fps)
    start_frame = seconds_to_frame(start, fps)
    last_visible = round_half_away(float(position + duration) * float(fps))
    first = max(position_frame + 1, window.first)
    last = min(last_visible, window.last)
    if last < first:
        return None
    local_start = first - (position_frame + 1) + (start_frame + 1)
    return Placement(out_start=first - window.first, count=last - first + 1, local_start=local_start)


def clip_placement(clip: Clip, window: RenderWindow) -> Placement | None:
    if clip.duration <= 0:
        return None
    return span_placement(float(clip.position), float(clip.start), clip.duration, window)


def effect_placement(effect: Effect, window: RenderWindow) -> Placement | None:
    duration = float(effect.end) - float(effect.start)
    if duration <= 0:
        return None
    return span_placement(float(effect.position), float(effect.start), duration, window)
