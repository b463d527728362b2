"""The output half of the ffmpeg command: which streams, encoders, quality, container.

Settings arrive in OpenShot's vocabulary (`video_bitrate` "8000000",
"8.0 Mb/sec" or "crf 23"; codec names such as "h264" or "libx264";
`image_format` "jpg") and leave as ffmpeg options. Combinations that
cannot work and are cheap to recognise (x264 at an odd size, H.264 in
WebM, an unknown image format) are refused here with a plain message;
anything else is left to ffmpeg, whose complaint `run.py` reports.
"""

from __future__ import annotations

import os
import re

from .errors import RenderError
from .timeline import Output

VIDEO_CODEC_ALIASES = {
    "h264": "libx264", "h.264": "libx264", "x264": "libx264", "avc": "libx264",
    "h265": "libx265", "h.265": "libx265", "hevc": "libx265", "x265": "libx265",
    "vp8": "libvpx", "vp9": "libvpx-vp9", "av1": "libaom-av1", "theora": "libtheora",
    "mp4video": "mpeg4", "prores": "prores_ks",
}
AUDIO_CODEC_ALIASES = {
    "mp3": "libmp3lame", "vorbis": "libvorbis", "opus": "libopus", "libfdk_aac": "aac",
    "pcm": "pcm_s16le", "wav": "pcm_s16le",
}
#: encoders that want 4:2:0 input with even dimensions
YUV420_CODECS = {"libx264", "libx265", "libvpx", "libvpx-vp9", "libaom-av1", "libsvtav1", "librav1e", "mpeg4",
                 "mpeg2video", "libopenh264", "libtheora", "libxvid", "h264_nvenc", "hevc_nvenc"}
X26X_CODECS = {"libx264", "libx265"}
LOSSLESS_AUDIO = {"flac", "alac"}
#: containers that only take a few codecs (anything else ffmpeg judges)
CONTAINER_CODECS = {
    "webm": ({"libvpx", "libvpx-vp9", "libaom-av1", "libsvtav1", "librav1e"}, {"libvorbis", "libopus"}),
    "ogg": ({"libtheora"}, {"libvorbis", "libopus", "flac", "speex"}),
}
MOV_FAMILY = {"mp4", "mov", "ipod", "3gp", "ismv"}
IMAGE_CODECS = {"png": "png", "jpg": "mjpeg", "jpeg": "mjpeg", "bmp": "bmp", "ppm": "ppm", "pgm": "pgm",
                "tif": "tiff", "tiff": "tiff", "webp": "libwebp", "gif": "gif", "xbm": "xbm"}
IMAGE_SEQUENCE_PATTERN = "frame-%05d.{ext}"


def video_codec(output: Output) -> str:
    name = (output.video_codec or "").strip().lower()
    return VIDEO_CODEC_ALIASES.get(name, name)


def audio_codec(output: Output) -> str:
    name = (output.audio_codec or "").strip().lower()
    return AUDIO_CODEC_ALIASES.get(name, name)


def muxer(output: Output) -> str:
    name = (output.video_format or "").strip().lower().lstrip(".")
    if name and not re.fullmatch(r"[a-z0-9_]+", name):
        raise RenderError(f"'{output.video_format}' is not a container format name (such as mp4, mov, webm).")
    return name


def check_container(output: Output, *, with_video: bool, with_audio: bool) -> None:
    allowed = CONTAINER_CODECS.get(muxer(output))
    if not allowed:
        return
    for kind, codec, codecs, used in (("video", video_codec(output), allowed[0], with_video),
                                      ("audio", audio_codec(output), allowed[1], with_audio)):
        if used and codec and codec not in codecs:
            raise RenderError(
                f"The {output.video_format} format cannot hold '{codec}' {kind}; "
                f"use one of {', '.join(sorted(codecs))}."
            )


def video_options(output: Output) -> list[str]:
    codec = video_codec(output)
    options = ["-c:v", codec] if codec else []
    if codec in YUV420_CODECS:
        if output.width % 2 or output.height % 2:
            raise RenderError(
                f"'{codec}' needs an even width and height; {output.width}x{output.height} is not."
            )
        options += ["-pix_fmt", "yuv420p"]
    if output.preset and codec in X26X_CODECS:
        if not re.fullmatch(r"[a-z]+", output.preset):
            raise RenderError(f"'{output.preset}' is not an encoder speed preset (such as ultrafast, medium, slow).")
        options += ["-preset", output.preset]
    return options + video_quality(output.video_bitrate, codec)


def video_quality(text: str | int | None, codec: str) -> list[str]:
    """ffmpeg options for OpenShot's video_bitrate: bits/s, "8.0 Mb/sec", "crf 23", "cqp 20", "qp 20"."""
    raw = str(text if text is not None else "").strip().lower()
    if raw in ("", "0", "none", "auto", "default"):
        return []
    match = re.fullmatch(r"(crf|cqp|qp)\s*[=:]?\s*(\d+(?:\.\d+)?)", raw)
    if match:
        kind, value = match.group(1), float(match.group(2))
        limit = 255 if kind == "qp" else 63
        if value > limit:
            raise RenderError(f"The video quality '{text}' is out of range: {kind} goes from 0 to {limit}.")
        amount = f"{value:g}"
        if kind == "crf":
            options = ["-crf", amount]
            return options + (["-b:v", "0"] if codec in ("libvpx", "libvpx-vp9", "libaom-av1") else [])
        return ["-qp", amount] if codec in X26X_CODECS else ["-q:v", amount]
    return ["-b:v", str(parse_bitrate(raw, "video_bitrate"))]


def parse_bitrate(text: str | int, field: str) -> int:
    """Bits per second from "8000000", "8.0 Mb/sec", "192 kb/s", "192k", "8M"."""
    raw = str(text).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kmg]?)(?:b|bit|bits)?(?:/s|/sec|ps)?", raw)
    if not match:
        raise RenderError(f"The {field} '{text}' is not a bitrate (bits per second, such as 8000000 or '8 Mb/sec').")
    value = float(match.group(1)) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[match.group(2)]
    if value <= 0:
        raise RenderError(f"The {field} '{text}' must be more than zero.")
    return int(round(value))


def audio_options(output: Output) -> list[str]:
    codec = audio_codec(output)
    options = ["-c:a", codec] if codec else []
    raw = str(output.audio_bitrate if output.audio_bitrate is not None else "").strip().lower()
    if raw not in ("", "0", "none", "auto", "default") and not codec.startswith("pcm_") and codec not in LOSSLESS_AUDIO:
        options += ["-b:a", str(parse_bitrate(raw, "audio_bitrate"))]
    return options


def container_options(output: Output) -> list[str]:
    name = muxer(output)
    options = ["-f", name] if name else []
    if name in MOV_FAMILY:
        options += ["-movflags", "+faststart"]
    return options


def image_options(output: Output) -> list[str]:
    """Encoder options for one still in output.image_format."""
    kind = (output.image_format or "png").strip().lower().lstrip(".")
    codec = IMAGE_CODECS.get(kind)
    if codec is None:
        raise RenderError(
            f"'{output.image_format}' is not an image format this renderer writes; "
            f"use one of {', '.join(sorted(IMAGE_CODECS))}."
        )
    quality = max(0, min(100, int(output.image_quality if output.image_quality is not None else 100)))
    options = ["-c:v", codec]
    if codec == "mjpeg":
        options += ["-q:v", str(2 + round((100 - quality) * 29 / 100))]
    elif codec == "libwebp":
        options += ["-quality", str(quality)]
    return options


def image_extension(output: Output) -> str:
    kind = (output.image_format or "png").strip().lower().lstrip(".")
    return "jpg" if kind == "jpeg" else kind


def image_sequence_pattern(directory: str, output: Output) -> str:
    return os.path.join(directory, IMAGE_SEQUENCE_PATTERN.format(ext=image_extension(output)))
