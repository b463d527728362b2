"""Small media generated on demand for tests.

Tests never commit binaries: each helper here asks the ffmpeg binary that
ships in the imageio-ffmpeg wheel for a few seconds of synthetic media.
Everything is tiny (160x90, a couple of seconds) so the suite stays fast.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg


def ffmpeg_binary() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg(*args: str) -> None:
    argv = [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL)


def make_video(
    path: Path,
    *,
    seconds: float = 2.0,
    width: int = 160,
    height: int = 90,
    fps: int = 30,
    audio: bool = True,
    codec: str = "libx264",
) -> Path:
    """An H.264/AAC clip of ffmpeg's test pattern with a sine tone."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
    args += ["-c:v", codec, "-pix_fmt", "yuv420p"]
    if codec == "libx264":
        args += ["-preset", "ultrafast"]
    if audio:
        args += ["-c:a", "aac", "-ac", "2", "-shortest"]
    _ffmpeg(*args, str(path))
    return path


def make_image(path: Path, *, width: int = 160, height: int = 90, color: str = "red") -> Path:
    """A still image; the format follows the file extension (png, jpg ...)."""
    _ffmpeg("-f", "lavfi", "-i", f"color=c={color}:size={width}x{height}", "-frames:v", "1", str(path))
    return path


def make_audio(path: Path, *, seconds: float = 2.0, frequency: int = 440, sample_rate: int = 44100) -> Path:
    """A mono-free stereo sine tone; the container follows the extension (mp3, wav, m4a ...)."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate={sample_rate}:duration={seconds}",
        "-ac", "2", str(path),
    )
    return path
