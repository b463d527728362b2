"""What an effect translator reads and what it returns.

`EffectContext` is one effect on one clip: its OpenShot properties, the
output frames it covers, the image size where it applies, and the clip's
command script and filter graph; its helpers bake a constant property
into a filter's arguments or animate it with commands or a per-frame
expression. `EffectStep` is the translator's answer: filters for the
clip's chain, or a function that wires a sub-graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping

from ..filtergraph import CommandScript, GraphBuilder, number, piecewise
from ..keyframes import Curve, change_frames, curve_changes, keyframe_value_at
from ..placement import Placement
from ..properties import read_curve
from ..timeline import Effect


@dataclass
class EffectContext:
    effect: Effect
    defaults: Mapping[str, Any]
    name: str  # unique filter-instance prefix, e.g. "c3fx1"
    span: Placement  # output indices the effect covers, with the effect's own frame numbers
    chain_start: int  # output index range of the whole chain it sits in
    chain_end: int
    width: int  # image size where the effect applies
    height: int
    fps: Fraction
    commands: CommandScript
    graph: GraphBuilder
    has_alpha: bool = False
    owner: str = ""

    @property
    def props(self) -> Mapping[str, Any]:
        return self.effect.properties or {}

    @property
    def full(self) -> bool:
        return self.span.out_start <= self.chain_start and self.span.out_end >= self.chain_end

    @property
    def enable(self) -> str:
        """`:enable=...` limiting a filter to the effect's frames ('' when it covers the whole clip)."""
        if self.full:
            return ""
        first = (self.span.out_start - 0.5) / float(self.fps)
        last = (self.span.out_end - 1 + 0.5) / float(self.fps)
        return f":enable='between(t,{number(first)},{number(last)})'"

    @property
    def local_range(self) -> tuple[int, int]:
        return self.span.local_start, self.span.local_frame(self.span.out_end - 1)

    def curve(self, name: str) -> Curve:
        return read_curve(self.props, name, float(self.defaults[name]), owner=self.owner)

    def value(self, curve: Curve) -> float:
        return keyframe_value_at(curve, self.span.local_start)

    def animated(self, *curves: Curve) -> bool:
        first, last = self.local_range
        return any(len(curve_changes(curve, first, last)) > 1 for curve in curves)

    def values(self, curves: tuple[Curve, ...], render: Callable[..., str]) -> list[tuple[int, str]]:
        """(output index, render(*curve values)) at every frame where one of the curves changes."""
        first, last = self.local_range
        frames = change_frames(curves, first, last)
        return [(self.span.out_index(f), render(*(keyframe_value_at(c, f) for c in curves))) for f in frames]

    def animate(self, target: str, param: str, curves: tuple[Curve, ...], render: Callable[..., str],
                script: CommandScript | None = None) -> str:
        """The first value of `render(*values)` (for the filter's arguments); commands for every change."""
        values = self.values(curves, render)
        (script if script is not None else self.commands).add_changes(target, param, values)
        return values[0][1]

    def expression(self, curves: tuple[Curve, ...], render: Callable[..., str], *, variable: str = "t",
                   quoted: bool = True) -> str:
        """A per-frame expression of t for a filter that waits on two inputs (commands would run ahead),
        or that takes no commands (`variable` names its time: `T` in geq)."""
        text = piecewise(self.values(curves, render), self.fps, variable)
        return f"'{text}'" if quoted and "(" in text else text

    def flag(self, name: str) -> bool:
        raw = self.props.get(name, self.defaults.get(name))
        if isinstance(raw, Mapping):
            return self.value(self.curve(name)) != 0
        if isinstance(raw, str):
            return raw.strip().lower() in ("1", "true", "yes")
        return bool(raw)


@dataclass
class EffectStep:
    filters: list[str] = field(default_factory=list)
    animated: bool = False
    branch: Callable[[GraphBuilder, str], str] | None = None  # wires a sub-graph: input label -> output label
    makes_alpha: bool = False
    size: tuple[int, int] | None = None  # the image size after this step, when it changes it
    new_segment: bool = False  # it waits on a second input: later filters need a sendcmd after it
