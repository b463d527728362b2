"""Writing an ffmpeg filter graph: labelled chains, inputs, side files, commands.

`GraphBuilder` collects what one ffmpeg run needs besides the encoder
options: the `-i` inputs, the filter graph statements
(`[in]f1,f2[out];`), the files the graph reads (sendcmd scripts, caption
text) and unique labels. `CommandScript` holds the per-frame commands of
one `sendcmd`/`asendcmd` filter: values are keyed by output frame index
and written as the time half a frame before that frame, so float rounding
can never move a change onto the neighbouring frame.

A sendcmd only acts in step with the filters after it in the same linear
run of filters: ffmpeg pushes each frame through such a run before the
next one enters. Past a filter that waits for a second input (overlay,
alphamerge) frames queue up and a sendcmd upstream runs ahead (measured:
up to three frames early for the upper layers of a four-layer overlay
stack). So each linear run gets its own sendcmd, and values of two-input
filters (overlay x/y) are per-frame expressions instead (`piecewise`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

_OPTION_SPECIALS = "\\':"
_GRAPH_SPECIALS = "\\'[],;"


def number(value: float) -> str:
    """A compact decimal for filter arguments and commands (6 decimals at most)."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def escape_value(text: str) -> str:
    """Escape a filter option value (a path, a colour ...) for a filter graph description.

    Two levels, as ffmpeg parses them: the option string (`:` `'` `\\`),
    then the graph description (`[` `]` `,` `;` `'` `\\`).
    """
    level1 = "".join("\\" + char if char in _OPTION_SPECIALS else char for char in text)
    return "".join("\\" + char if char in _GRAPH_SPECIALS else char for char in level1)


@dataclass(frozen=True)
class Input:
    path: str
    options: tuple[str, ...] = ()  # options placed before -i (e.g. -ss)

    def argv(self) -> list[str]:
        return [*self.options, "-i", self.path]


class CommandScript:
    """Commands for one sendcmd filter, keyed by output frame index."""

    def __init__(self, fps: Fraction):
        self.fps = fps
        self._by_index: dict[int, list[str]] = defaultdict(list)

    def __bool__(self) -> bool:
        return bool(self._by_index)

    def add(self, out_index: int, target: str, param: str, value: str) -> None:
        self._by_index[out_index].append(f"{target} {param} {value}")

    def add_changes(self, target: str, param: str, values: Iterable[tuple[int, str]]) -> None:
        """(out_index, value) pairs -> a command on each index whose value differs from the previous."""
        previous = None
        for out_index, value in values:
            if value != previous and previous is not None:
                self.add(out_index, target, param, value)
            previous = value

    def text(self) -> str:
        lines = []
        for out_index in sorted(self._by_index):
            when = max(0.0, (out_index - 0.5) / float(self.fps))
            lines.append(f"{when:.6f} {', '.join(self._by_index[out_index])};")
        return "\n".join(lines) + "\n"

    def entry_count(self) -> int:
        return sum(len(commands) for commands in self._by_index.values())


class GraphBuilder:
    def __init__(self, workdir: str, fps: Fraction):
        self.workdir = workdir
        self.fps = fps
        self.inputs: list[Input] = []
        self.statements: list[str] = []
        self.files: dict[str, str] = {}
        self._label_counts: dict[str, int] = defaultdict(int)

    def add_input(self, path: str, options: Iterable[str] = ()) -> int:
        self.inputs.append(Input(path, tuple(options)))
        return len(self.inputs) - 1

    def add_file(self, name: str, content: str) -> str:
        path = os.path.join(self.workdir, name)
        self.files[path] = content
        return path

    def label(self, hint: str) -> str:
        self._label_counts[hint] += 1
        return f"[{hint}_{self._label_counts[hint]}]"

    def add(self, statement: str) -> None:
        self.statements.append(statement)

    def chain(self, source: str) -> "Chain":
        return Chain(self, source)

    def sendcmd(self, name: str, script: CommandScript, *, audio: bool = False) -> str | None:
        """A sendcmd filter reading `script` from a side file (None when there are no commands)."""
        if not script:
            return None
        path = self.add_file(name, script.text())
        return f"{'asendcmd' if audio else 'sendcmd'}=f={escape_value(path)}"

    def script(self) -> str:
        return ";\n".join(self.statements) + "\n"


class Chain:
    """A linear run of filters from one labelled stream to a new label."""

    def __init__(self, graph: GraphBuilder, source: str):
        self.graph = graph
        self.source = source
        self.filters: list[str] = []

    def add(self, *filters: str | None) -> "Chain":
        self.filters.extend(f for f in filters if f)
        return self

    def end(self, hint: str) -> str:
        """Emit the chain; returns the label of its output (the source itself if the chain is empty)."""
        if not self.filters:
            return self.source
        out = self.graph.label(hint)
        self.graph.add(f"{self.source}{','.join(self.filters)}{out}")
        return out


def piecewise(values: list[tuple[int, str]], fps: Fraction, variable: str = "t") -> str:
    """An expression of `t` worth each value from its output frame index on (the first value before that).

    `variable` names the time in the filter's expressions (`T` in geq).

    A balanced tree of `if(lt(t,...))` with thresholds half a frame before
    each change: evaluated per frame by the filter itself, so it can never
    be early or late, whatever order ffmpeg processes the graph's branches in.
    """
    steps: list[tuple[int, str]] = []
    for index, value in values:
        if not steps or steps[-1][1] != value:
            steps.append((index, value))

    def build(lo: int, hi: int) -> str:
        if lo == hi:
            return steps[lo][1]
        mid = (lo + hi + 1) // 2
        threshold = number((steps[mid][0] - 0.5) / float(fps))
        return f"if(lt({variable},{threshold}),{build(lo, mid - 1)},{build(mid, hi)})"

    return build(0, len(steps) - 1)
