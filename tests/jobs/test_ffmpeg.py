"""The one ffmpeg runner: progress, cancel by process group within two seconds, time limit, log tail."""

from __future__ import annotations

import time

import psutil
import pytest

from config.media.ffmpeg import FfmpegCancelled, FfmpegFailed, FfmpegNotStarted, FfmpegTimedOut, run_ffmpeg

# Ten seconds of generated video, encoded slowly enough to still be running when stopped.
SLOW = ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=10", "-c:v", "libx264", "-preset", "veryslow",
        "-f", "null", "-"]


def test_progress_runs_from_zero_to_exactly_100(tmp_path):
    reports: list[float] = []
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30:duration=1", "-y", str(tmp_path / "out.mp4")],
               frame_count=30, duration=1.0, on_progress=reports.append, poll_interval=0.05)
    assert reports[-1] == 100.0 and all(0.0 <= r <= 100.0 for r in reports)
    assert (tmp_path / "out.mp4").stat().st_size > 0


def test_a_cancel_stops_ffmpeg_and_its_children_within_two_seconds():
    started = time.monotonic()
    children: list[psutil.Process] = []

    def cancel_after_a_second() -> bool:
        # ffmpeg and what it started; not other children of this test process (a storage emulator).
        ffmpegs = [p for p in psutil.Process().children() if "ffmpeg" in p.name()]
        children[:] = ffmpegs + [child for p in ffmpegs for child in p.children(recursive=True)]
        return time.monotonic() - started > 1.0

    with pytest.raises(FfmpegCancelled):
        run_ffmpeg(SLOW, frame_count=300, duration=10.0, should_cancel=cancel_after_a_second)
    assert time.monotonic() - started < 3.0
    assert children, "ffmpeg was running"
    _, alive = psutil.wait_procs(children, timeout=0.5)
    assert not alive


def test_the_time_limit_stops_ffmpeg():
    started = time.monotonic()
    with pytest.raises(FfmpegTimedOut):
        run_ffmpeg(SLOW, frame_count=300, duration=10.0, time_limit=0.5)
    assert time.monotonic() - started < 3.0


def test_a_failure_keeps_the_end_of_ffmpegs_log():
    with pytest.raises(FfmpegFailed) as raised:
        run_ffmpeg(["-i", "/no/such/input.mp4", "-f", "null", "-"])
    assert raised.value.returncode != 0
    assert any("No such file or directory" in line for line in raised.value.log_tail)


def test_a_missing_binary_says_so(monkeypatch):
    monkeypatch.setenv("FFMPEG_BINARY", "/no/such/ffmpeg")
    with pytest.raises(FfmpegNotStarted, match="could not be started"):
        run_ffmpeg(["-version"])
