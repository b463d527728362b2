"""Which picture fills the frame from below, stretch by stretch.

Overlaying a full-canvas picture on black costs a full-frame blend per
frame, and most timelines are mostly that: one clip after another filling
the screen, titles and picture-in-picture on top. So the frame is built
from a *background* (the topmost clip that covers the whole canvas
opaquely, or, when nothing lies under it, a full-canvas clip that fades)
joined end to end with black where there is none, and only what lies above
the background is overlaid. A clip below an opaque background is hidden on
those frames and is not drawn there at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .placement import Placement
from .properties import ClipProperties
from .timeline import Clip
from .transform import Pose

#: effects that make parts of a picture transparent or change its size
SEE_THROUGH_EFFECTS = {"Crop", "ChromaKey", "Mask"}


class Cover(Enum):
    NONE = "none"  # anything else: overlaid
    OPAQUE = "opaque"  # covers the whole canvas, fully opaque, on every frame it shows
    FADE = "fade"  # covers the whole canvas on every frame, but is not opaque on all of them


@dataclass
class Picture:
    """One clip's picture, analysed, in compositing order (lowest first)."""

    order: int
    clip: Clip
    props: ClipProperties
    placement: Placement
    name: str
    cover: Cover = Cover.NONE
    opaque: list[tuple[int, int]] = field(default_factory=list)  # output ranges where it hides all below
    analysis: object = None  # video.PictureAnalysis of the whole placement

    def is_opaque_over(self, start: int, end: int) -> bool:
        return any(first <= start and end <= last for first, last in self.opaque)


@dataclass(frozen=True)
class Background:
    out_start: int
    out_end: int
    owner: Picture | None  # None: black

    @property
    def fades(self) -> bool:
        return self.owner is not None and self.owner.cover == Cover.FADE


def cover_of(poses: list[tuple[int, Pose]], canvas: tuple[int, int], rotates: bool, see_through: bool) -> Cover:
    if rotates or see_through:
        return Cover.NONE
    fills = all(
        pose.x == 0 and pose.y == 0 and (pose.width, pose.height) == canvas and not pose.flip_x and not pose.flip_y
        for _, pose in poses
    )
    if not fills:
        return Cover.NONE
    return Cover.OPAQUE if all(pose.alpha == 1 for _, pose in poses) else Cover.FADE


def opaque_ranges(poses: list[tuple[int, Pose]], placement: Placement, cover: Cover) -> list[tuple[int, int]]:
    """The output ranges [start, end) on which a canvas-covering picture is fully opaque."""
    if cover == Cover.NONE:
        return []
    ranges: list[tuple[int, int]] = []
    ends = [index for index, _ in poses[1:]] + [placement.out_end]
    for (index, pose), end in zip(poses, ends):
        if pose.alpha == 1:
            _extend(ranges, index, end)
    return ranges


def plan_backgrounds(
    pictures: list[Picture], frame_count: int
) -> tuple[list[Background], dict[str, list[tuple[int, int]]]]:
    """The background stretches, and for every other picture the output ranges [start, end) it is drawn on."""
    cuts = {0, frame_count}
    for picture in pictures:
        cuts.update((picture.placement.out_start, picture.placement.out_end))
        cuts.update(edge for span in picture.opaque for edge in span)
    edges = sorted(cut for cut in cuts if 0 <= cut <= frame_count)
    backgrounds: list[Background] = []
    drawn: dict[str, list[tuple[int, int]]] = {}
    for start, end in zip(edges, edges[1:]):
        visible = [p for p in pictures if p.placement.out_start <= start and p.placement.out_end >= end]
        owner = None
        for picture in visible:
            if picture.is_opaque_over(start, end):
                owner = picture  # the topmost opaque one wins; everything under it is hidden
        if owner is None and visible and visible[0].cover != Cover.NONE:
            owner = visible[0]  # a fade over black: nothing lies under it
        for picture in visible:
            if owner is None or picture.order > owner.order:
                _extend(drawn.setdefault(picture.name, []), start, end)
        if backgrounds and backgrounds[-1].owner is owner and backgrounds[-1].out_end == start:
            backgrounds[-1] = Background(backgrounds[-1].out_start, end, owner)
        else:
            backgrounds.append(Background(start, end, owner))
    return backgrounds, drawn


def _extend(ranges: list[tuple[int, int]], start: int, end: int) -> None:
    if ranges and ranges[-1][1] == start:
        ranges[-1] = (ranges[-1][0], end)
    else:
        ranges.append((start, end))
