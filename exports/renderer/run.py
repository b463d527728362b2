"""Running a render plan: the one place that starts ffmpeg.

ffmpeg runs in its own process group with `-progress pipe:1`; a loop
polls it every `poll_interval` seconds, reports the percentage done (from
the frames and time written), asks `should_cancel`, and enforces the time
limit. Stopping means SIGTERM to the whole group, then SIGKILL after a
short grace, so a render ends within two seconds of being cancelled. On
Linux ffmpeg also gets PR_SET_PDEATHSIG, so it dies with the worker that
started it even when that worker is killed outright. The last lines of
ffmpeg's error output are kept and turned into a sentence a user can act on.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Callable

from .errors import RenderCancelled, RenderFailed, RenderTimedOut
from .graph import RenderPlan

LOG_TAIL_LINES = 30
STOP_GRACE_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 1.0
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class RunResult:
    wall_seconds: float
    log_tail: tuple[str, ...]


def ffmpeg_binary() -> str:
    """FFMPEG_BINARY if set, else the ffmpeg that ships in the imageio-ffmpeg wheel."""
    configured = os.environ.get("FFMPEG_BINARY")
    if configured:
        return configured
    import imageio_ffmpeg  # imported here so that merely importing the renderer needs no binary

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_render(
    plan: RenderPlan,
    *,
    on_progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    time_limit: float | None = None,
    poll_interval: float = 0.25,
) -> RunResult:
    _write_files(plan)
    binary = ffmpeg_binary()
    argv = [binary, "-progress", "pipe:1", "-nostats", *plan.args]
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, preexec_fn=_die_with_parent(), close_fds=True,
        )
    except OSError as error:
        raise RenderFailed(f"ffmpeg could not be started ({binary}): {error.strerror or error}.") from None
    watcher = _Watcher(process, plan)
    reported, reported_at = -1.0, 0.0
    try:
        while True:
            try:
                process.wait(timeout=poll_interval)
                break
            except subprocess.TimeoutExpired:
                pass
            if should_cancel is not None and should_cancel():
                _stop(process)
                raise RenderCancelled("The render was cancelled.")
            if time_limit is not None and time.monotonic() - started > time_limit:
                _stop(process)
                raise RenderTimedOut(f"The render took longer than its time limit of {time_limit:g} s.")
            percent = watcher.percent()
            now = time.monotonic()
            if on_progress is not None and (percent != reported or now - reported_at >= PROGRESS_EVERY_SECONDS):
                on_progress(percent)
                reported, reported_at = percent, now
        watcher.finish()
        tail = watcher.log_tail()
        if process.returncode != 0:
            raise RenderFailed(explain_failure(tail, process.returncode), tail)
        if on_progress is not None:
            on_progress(100.0)
        return RunResult(wall_seconds=time.monotonic() - started, log_tail=tuple(tail))
    finally:
        if process.poll() is None:
            _stop(process)
        watcher.finish()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


# --- the child process ---------------------------------------------------------------------------


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGKILL the child when the thread that started it dies."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_parent_death_signal() -> None:  # runs in the child, between fork and exec: keep it tiny
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return set_parent_death_signal


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, SIGKILL it if it is still there after the grace period."""
    for sig, wait in ((signal.SIGTERM, STOP_GRACE_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            process.send_signal(sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _write_files(plan: RenderPlan) -> None:
    for directory in plan.directories:
        os.makedirs(directory, exist_ok=True)
    for path, content in plan.files.items():
        parent = os.path.dirname(path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)


class _Watcher:
    """Reads ffmpeg's progress (stdout) and error log (stderr) on two threads."""

    def __init__(self, process: subprocess.Popen, plan: RenderPlan):
        self.plan = plan
        self.frame = 0
        self.out_seconds = 0.0
        self.lines: collections.deque[str] = collections.deque(maxlen=LOG_TAIL_LINES)
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._read_progress, args=(process.stdout,), daemon=True),
            threading.Thread(target=self._read_log, args=(process.stderr,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_progress(self, stream: IO[bytes]) -> None:
        for raw in stream:
            key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
            try:
                if key == "frame":
                    frame = int(value)
                    with self._lock:
                        self.frame = frame
                elif key == "out_time_us":
                    seconds = int(value) / 1e6
                    with self._lock:
                        self.out_seconds = seconds
            except ValueError:
                continue  # "N/A" before the first frame

    def _read_log(self, stream: IO[bytes]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip()
            if line:
                with self._lock:
                    self.lines.append(line)

    def percent(self) -> float:
        with self._lock:
            by_frames = self.frame / self.plan.frame_count if self.plan.frame_count > 1 else 0.0
            by_time = self.out_seconds / self.plan.duration if self.plan.duration > 0 else 0.0
        return round(min(99.9, max(0.0, by_frames, by_time) * 100.0), 1)

    def log_tail(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def finish(self) -> None:
        for thread in self._threads:
            thread.join(timeout=2.0)


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
