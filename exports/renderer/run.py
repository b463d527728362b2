"""Running a render plan: ffmpeg through the shared runner, failures explained for the user.

`config.media.ffmpeg.run_ffmpeg` starts ffmpeg (own process group,
PDEATHSIG, `-progress`, cancel within two seconds, time limit, log tail);
this module writes the plan's side files, runs its argv, and turns the
runner's outcomes into the renderer's errors, with the end of ffmpeg's log
made into a sentence a user can act on (`explain_failure`).
"""

from __future__ import annotations

import os
import re
import signal
from dataclasses import dataclass
from typing import Callable

from config.media.ffmpeg import (
    FfmpegCancelled,
    FfmpegFailed,
    FfmpegNotStarted,
    FfmpegTimedOut,
    ffmpeg_binary,
    run_ffmpeg,
)

from .errors import RenderCancelled, RenderFailed, RenderTimedOut
from .graph import RenderPlan

__all__ = ["RenderCancelled", "RenderFailed", "RenderTimedOut", "RunResult", "explain_failure", "ffmpeg_binary",
           "run_render"]


@dataclass(frozen=True)
class RunResult:
    wall_seconds: float
    log_tail: tuple[str, ...]


def run_render(
    plan: RenderPlan,
    *,
    on_progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    time_limit: float | None = None,
    poll_interval: float = 0.25,
) -> RunResult:
    _write_files(plan)
    try:
        result = run_ffmpeg(plan.args, frame_count=plan.frame_count, duration=plan.duration, on_progress=on_progress,
                            should_cancel=should_cancel, time_limit=time_limit, poll_interval=poll_interval)
    except FfmpegCancelled:
        raise RenderCancelled("The render was cancelled.") from None
    except FfmpegTimedOut:
        raise RenderTimedOut(f"The render took longer than its time limit of {time_limit:g} s.") from None
    except FfmpegNotStarted as error:
        raise RenderFailed(str(error)) from None
    except FfmpegFailed as error:
        raise RenderFailed(explain_failure(error.log_tail, error.returncode), error.log_tail) from None
    return RunResult(wall_seconds=result.wall_seconds, log_tail=result.log_tail)


def _write_files(plan: RenderPlan) -> None:
    for directory in plan.directories:
        os.makedirs(directory, exist_ok=True)
    for path, content in plan.files.items():
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)


# --- messages ------------------------------------------------------------------------------------

_EXPLANATIONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Unknown encoder '([^']+)'"),
     lambda m: f"ffmpeg could not encode with codec '{m.group(1)}': Unknown encoder."),
    (re.compile(r"Encoder '?([^' ]+)'? not found"),
     lambda m: f"ffmpeg could not encode with codec '{m.group(1)}': Unknown encoder."),
    (re.compile(r"Requested output format '([^']+)' is not (?:a suitable output format|known)"),
     lambda m: f"'{m.group(1)}' is not an output format ffmpeg knows."),
    (re.compile(r"Could not find tag for codec (\S+) in stream #\d+, codec not currently supported in container"),
     lambda m: f"The chosen container cannot hold the codec '{m.group(1)}'."),
    (re.compile(r"No space left on device"), lambda m: "The disk is full; the render could not be written."),
    (re.compile(r"No such filter: '([^']+)'"),
     lambda m: f"This ffmpeg has no '{m.group(1)}' filter, which the render needs; install a full ffmpeg build."),
    (re.compile(r"Error (?:parsing|initializing|configuring) (?:a )?filter.*|Trailing garbage after a filter.*"),
     lambda m: f"ffmpeg rejected the render's filter graph (a renderer bug; please report it): {m.group(0)}"),
    (re.compile(r"(?:width|height) not divisible by 2|not divisible by 2"),
     lambda m: "The encoder needs an even width and height."),
]


_INPUT_PROBLEMS = {
    "No such file or directory": "A media file is missing: {path}.",
    "Invalid data found when processing input": "A media file could not be read (it is damaged or not a format"
                                                " ffmpeg knows): {path}.",
    "Permission denied": "A media file could not be opened (permission denied): {path}.",
}


def explain_failure(lines: list[str], returncode: int) -> str:
    """One sentence for the user from the end of ffmpeg's log."""
    text = "\n".join(lines)
    opening = re.search(r"Error opening input file (.+?)\.?$", text, re.MULTILINE) or re.search(
        r"^(\S.*?): (No such file or directory|Invalid data found when processing input|Permission denied)$",
        text, re.MULTILINE)
    if opening:
        path = os.path.basename(opening.group(1).strip("'\""))  # the name, never where the server keeps it
        for reason, message in _INPUT_PROBLEMS.items():
            if reason in text:
                return message.format(path=path)
        return f"A media file could not be opened: {path}."
    for pattern, explain in _EXPLANATIONS:
        for line in reversed(lines):
            match = pattern.search(line)
            if match:
                return explain(match)
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else -returncode
        return f"ffmpeg was stopped by the system ({name}), perhaps for lack of memory."
    meaningful = [line for line in lines if not line.startswith(("  ", "Conversion failed"))]
    detail = (meaningful or lines or ["no error message"])[-1].strip()
    detail = re.sub(r"^\[[^\]]+\]\s*", "", detail)
    return f"ffmpeg could not render the export: {detail}"
