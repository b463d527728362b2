"""Running ffmpeg: the one place in Montage that starts it (renders, project frames, next previews and audio).

ffmpeg runs in its own process group with `-progress pipe:1`; a loop polls
it every `poll_interval` seconds, reports the percentage done (from the
frames and time written, against the `frame_count` and `duration` the
caller expects), asks `should_cancel`, and enforces the time limit.
Stopping means SIGTERM to the whole group, then SIGKILL after a short
grace, so a run ends within two seconds of being cancelled. On Linux
ffmpeg also gets PR_SET_PDEATHSIG, so it dies with the worker that started
it even when that worker is killed outright. The last lines of ffmpeg's
error output are kept for the caller to explain a failure.

Pure: no Django imports, so the renderer and every app may use it.
"""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Callable, Sequence

LOG_TAIL_LINES = 30
STOP_GRACE_SECONDS = 0.5
PROGRESS_EVERY_SECONDS = 1.0
PR_SET_PDEATHSIG = 1


class FfmpegError(Exception):
    """ffmpeg did not produce its output; the subclass says how."""

    def __init__(self, message: str, log_tail: Sequence[str] = ()):
        super().__init__(message)
        self.log_tail = list(log_tail)


class FfmpegNotStarted(FfmpegError):
    """The binary could not be started (missing, not executable)."""


class FfmpegFailed(FfmpegError):
    """ffmpeg ran and exited with an error (`returncode`, `log_tail`)."""

    def __init__(self, message: str, log_tail: Sequence[str] = (), returncode: int = 1):
        super().__init__(message, log_tail)
        self.returncode = returncode


class FfmpegCancelled(FfmpegError):
    """Stopped because `should_cancel` said so."""


class FfmpegTimedOut(FfmpegError):
    """Stopped after running past its time limit."""


@dataclass(frozen=True)
class FfmpegResult:
    wall_seconds: float
    log_tail: tuple[str, ...]


def ffmpeg_binary() -> str:
    """FFMPEG_BINARY if set, else the ffmpeg that ships in the imageio-ffmpeg wheel."""
    configured = os.environ.get("FFMPEG_BINARY")
    if configured:
        return configured
    import imageio_ffmpeg  # imported here so that merely importing this module needs no binary

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(
    args: Sequence[str],
    *,
    frame_count: int = 0,
    duration: float = 0.0,
    on_progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    time_limit: float | None = None,
    poll_interval: float = 0.25,
    pass_fds: Sequence[int] = (),
) -> FfmpegResult:
    """Run `ffmpeg <args>` to the end; raise an `FfmpegError` subclass unless it exits 0.

    `on_progress` gets 0–99.9 while running (when it changes, or at least
    every second) and 100.0 once ffmpeg succeeded. `pass_fds` are file
    descriptors ffmpeg inherits (an output `pipe:<fd>`, e.g. audio samples
    read by the caller while it runs; stdout carries the progress).
    """
    binary = ffmpeg_binary()
    argv = [binary, "-progress", "pipe:1", "-nostats", *args]
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, preexec_fn=_die_with_parent(), close_fds=True, pass_fds=tuple(pass_fds),
        )
    except OSError as error:
        raise FfmpegNotStarted(f"ffmpeg could not be started ({binary}): {error.strerror or error}.") from None
    watcher = _Watcher(process, frame_count=frame_count, duration=duration)
    reported, reported_at = -1.0, 0.0
    try:
        while True:
            try:
                process.wait(timeout=poll_interval)
                break
            except subprocess.TimeoutExpired:
                pass
            if should_cancel is not None and should_cancel():
                stop_process_group(process)
                raise FfmpegCancelled("ffmpeg was cancelled.", watcher.log_tail())
            if time_limit is not None and time.monotonic() - started > time_limit:
                stop_process_group(process)
                raise FfmpegTimedOut(f"ffmpeg ran longer than its time limit of {time_limit:g} s.", watcher.log_tail())
            percent = watcher.percent()
            now = time.monotonic()
            if on_progress is not None and (percent != reported or now - reported_at >= PROGRESS_EVERY_SECONDS):
                on_progress(percent)
                reported, reported_at = percent, now
        watcher.finish()
        tail = watcher.log_tail()
        if process.returncode != 0:
            raise FfmpegFailed(f"ffmpeg exited with status {process.returncode}.", tail, process.returncode)
        if on_progress is not None:
            on_progress(100.0)
        return FfmpegResult(wall_seconds=time.monotonic() - started, log_tail=tuple(tail))
    finally:
        if process.poll() is None:
            stop_process_group(process)
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


def stop_process_group(process: subprocess.Popen) -> None:
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


class _Watcher:
    """Reads ffmpeg's progress (stdout) and error log (stderr) on two threads."""

    def __init__(self, process: subprocess.Popen, *, frame_count: int, duration: float):
        self.frame_count = frame_count
        self.duration = duration
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
            by_frames = self.frame / self.frame_count if self.frame_count > 1 else 0.0
            by_time = self.out_seconds / self.duration if self.duration > 0 else 0.0
        return round(min(99.9, max(0.0, by_frames, by_time) * 100.0), 1)

    def log_tail(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def finish(self) -> None:
        for thread in self._threads:
            thread.join(timeout=2.0)
