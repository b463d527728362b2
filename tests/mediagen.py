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


#: frame-coded media: bit k of the frame's index is the luma of vertical stripe k (16 stripes)
FRAME_CODE_BITS = 16


def make_frame_coded_video(path: Path, *, rate: str = "30", seconds: float = 2.0, width: int = 320,
                           height: int = 180, audio: bool = True) -> Path:
    """Video whose every frame shows its own index as 16 black/white stripes (lossless H.264), at `rate`."""
    code = f"16+219*mod(floor(N/pow(2\\,floor(X*{FRAME_CODE_BITS}/W)))\\,2)"
    args = ["-f", "lavfi", "-i", f"color=black:size={width}x{height}:rate={rate}:duration={seconds},"
            f"geq=lum='{code}':cb=128:cr=128"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-ac", "2", "-shortest"]
    _ffmpeg(*args, str(path))
    return path


def frame_indices(path: Path) -> list[int]:
    """The index each decoded frame of a frame-coded video shows (PyAV), in presentation order."""
    import av

    indices = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            gray = frame.reformat(format="gray")
            row = bytes(gray.planes[0])[: gray.planes[0].line_size]  # the first line is enough: stripes are vertical
            stripe = gray.width / FRAME_CODE_BITS
            index = 0
            for bit in range(FRAME_CODE_BITS):
                x = int(stripe * bit + stripe / 2)
                if row[x] > 128:
                    index |= 1 << bit
            indices.append(index)
    return indices
