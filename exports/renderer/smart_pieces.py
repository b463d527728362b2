"""A smart render's video as pieces: ranges of source frames to copy, and ranges to re-encode.

A GOP (the packets from one keyframe to the next, in decode order) is
copied when it lies wholly inside a clip's run and provably stands alone:
it starts at a clean keyframe (an IDR) whose frame is its first in display
order, and its frames are exactly a contiguous range from there (an open
GOP's leading B-frames, which reference the GOP before, make it fail).
Every other frame of the run is re-encoded, from the cut to the next
copied GOP and from the last copied GOP to the out-point. The pieces are
plain data, in output order, so anything that renders a list of them (one
job, or a segment job taking a few) gives the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .smart import ClipRun

COPY = "copy"
ENCODE = "encode"


@dataclass(frozen=True)
class Piece:
    kind: str  # COPY | ENCODE
    path: str
    src_first: int  # 0-based source frame index (display order)
    count: int
    out_start: int

    @property
    def src_end(self) -> int:
        return self.src_first + self.count


@dataclass(frozen=True)
class Gop:
    start: int  # first display frame
    end: int  # just past the last display frame
    copyable: bool


def gops(packets: Iterable) -> list[Gop]:
    """The GOPs of a file from its packets in decode order (objects with frame, key, clean)."""
    groups: list[list] = []
    for packet in packets:
        if packet.key or not groups:
            groups.append([])
        groups[-1].append(packet)
    result = []
    for group in groups:
        frames = sorted(packet.frame for packet in group)
        head = group[0]
        contiguous = frames == list(range(frames[0], frames[0] + len(frames)))
        copyable = head.key and head.clean and head.frame == frames[0] and contiguous
        result.append(Gop(frames[0], frames[-1] + 1, copyable))
    return sorted(result, key=lambda gop: gop.start)


def run_pieces(run: ClipRun, file_gops: Sequence[Gop]) -> list[Piece]:
    """One run cut into copied GOPs and re-encoded stretches."""
    first, end = run.src_first, run.src_first + run.count
    copies = [(gop.start, gop.end) for gop in file_gops if gop.copyable and first <= gop.start and gop.end <= end]
    pieces: list[Piece] = []
    at = first

    def add(kind: str, start: int, stop: int) -> None:
        if stop <= start:
            return
        if pieces and pieces[-1].kind == kind and pieces[-1].src_end == start:
            last = pieces.pop()
            start = last.src_first
        pieces.append(Piece(kind, run.path, start, stop - start, run.out_start + (start - first)))

    for start, stop in copies:
        add(ENCODE, at, start)
        add(COPY, start, stop)
        at = stop
    add(ENCODE, at, end)
    return pieces


def smart_pieces(runs: Sequence[ClipRun], file_gops: Mapping[str, Sequence[Gop]]) -> list[Piece]:
    """Every run's pieces, in output order."""
    return [piece for run in runs for piece in run_pieces(run, file_gops[run.path])]


def copied_share(pieces: Sequence[Piece]) -> float:
    """The fraction of output frames that are copied."""
    total = sum(piece.count for piece in pieces)
    return sum(piece.count for piece in pieces if piece.kind == COPY) / total if total else 0.0
