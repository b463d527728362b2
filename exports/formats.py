"""Is a container/codec pair something ffmpeg can write?

Asked before an export is queued, so a bad pair is a 400 rather than a
failed render minutes later. libavformat knows which codecs a muxer
accepts; PyAV lets us ask it by opening the muxer on an in-memory buffer
and writing a header, which takes milliseconds.
"""

from __future__ import annotations

import functools
import io

import av

#: file extensions people use for a format, and ffmpeg's muxer name for them
FORMAT_ALIASES = {"mkv": "matroska", "m4a": "ipod", "m4v": "mp4", "ts": "mpegts", "oga": "ogg", "opus": "ogg"}


def muxer_name(video_format: str) -> str:
    name = video_format.strip().lower().lstrip(".")
    return FORMAT_ALIASES.get(name, name)


@functools.lru_cache(maxsize=256)
def output_pair_problem(video_format: str, video_codec: str | None, audio_codec: str | None) -> str | None:
    """Why ffmpeg cannot write these codecs into this container (None if it can)."""
    try:
        buffer = io.BytesIO()
        container = av.open(buffer, mode="w", format=muxer_name(video_format))
    except (ValueError, av.error.FFmpegError):
        return f"'{video_format}' is not an output format ffmpeg knows."
    try:
        for kind, codec in (("video", video_codec), ("audio", audio_codec)):
            if codec:
                problem = _add_stream(container, kind, codec)
                if problem:
                    return problem
        try:
            container.start_encoding()
        except (ValueError, av.error.FFmpegError) as error:
            return f"The '{video_format}' format cannot hold {_names(video_codec, audio_codec)}: {error}."
        return None
    finally:
        try:
            container.close()
        except Exception:  # closing a container that never started can complain; nothing to keep
            pass


def _add_stream(container, kind: str, codec_name: str) -> str | None:
    try:
        codec = av.codec.Codec(codec_name, "w")
    except (ValueError, av.error.FFmpegError):
        return f"'{codec_name}' is not an encoder ffmpeg has."
    if codec.type != kind:
        return f"'{codec_name}' is a {codec.type} encoder, not a {kind} one."
    try:
        stream = container.add_stream(codec_name)
    except ValueError as error:  # the muxer refuses the codec outright
        return f"{error}."
    if kind == "video":
        stream.width, stream.height = 64, 64
        formats = [f.name for f in (codec.video_formats or [])]
        stream.pix_fmt = "yuv420p" if not formats or "yuv420p" in formats else formats[0]
    else:
        rates = codec.audio_rates or []
        stream.rate = 48000 if not rates or 48000 in rates else rates[0]
        formats = [f.name for f in (codec.audio_formats or [])]
        if formats:
            stream.format = formats[0]
    return None


def _names(*codecs: str | None) -> str:
    return " and ".join(f"'{codec}'" for codec in codecs if codec) or "these streams"
