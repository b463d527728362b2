"""Is a container/codec pair something ffmpeg can write?

Asked before an export is queued, so a bad pair is a 400 rather than a
failed render minutes later. libavformat knows which codecs a muxer
accepts; PyAV lets us ask it by opening the muxer on an in-memory buffer
and writing a header, which takes milliseconds.

Codec names are made canonical first (`encoder_name`): the OpenShot
documentation writes "h.264" and "mp4video", its webhook example
"libfdk_aac", and ffmpeg's codec names ("h264", "opus") stand for an
encoder; each becomes the encoder ffmpeg has for it. When a client left a
codec out and the project's default does not fit the container (webm
cannot hold aac), `fitting_encoders` names the ones that do.
"""

from __future__ import annotations

import functools
import io

import av

#: file extensions people use for a format, and ffmpeg's muxer name for them
FORMAT_ALIASES = {"mkv": "matroska", "m4a": "ipod", "m4v": "mp4", "ts": "mpegts", "oga": "ogg", "opus": "ogg"}


#: codec names people (and the OpenShot documentation) write, and the encoder each means
CODEC_ALIASES = {
    "h.264": "libx264", "h264": "libx264", "x264": "libx264", "avc": "libx264",
    "h.265": "libx265", "h265": "libx265", "hevc": "libx265",
    "mp4video": "mpeg4", "xvid": "mpeg4",
    "libfdk_aac": "aac", "fdk_aac": "aac",
    "mp3": "libmp3lame", "vp8": "libvpx", "vp9": "libvpx-vp9", "opus": "libopus", "vorbis": "libvorbis",
}

#: encoders tried, in order, when a codec was not given and the default does not fit the container
FALLBACK_ENCODERS = {
    "video": ("libx264", "libvpx-vp9", "libvpx", "mpeg4", "libtheora", "mjpeg"),
    "audio": ("aac", "libopus", "libmp3lame", "libvorbis", "ac3", "flac", "pcm_s16le"),
}


@functools.lru_cache(maxsize=256)
def _encoder(name: str):
    """PyAV's encoder for `name` (an encoder or a codec name), or None; experimental encoders don't count."""
    try:
        codec = av.codec.Codec(name, "w")
    except (ValueError, av.error.FFmpegError):
        return None
    return None if codec.experimental else codec


def encoder_name(name: str) -> str:
    """The encoder a client's codec name means ("h.264" -> libx264); unchanged when it means none."""
    text = name.strip()
    if _encoder(text) is not None and _encoder(text).name == text:
        return text  # an encoder's own name (libfdk_aac too, where ffmpeg has it)
    for candidate in (CODEC_ALIASES.get(text.lower()), text):
        codec = _encoder(candidate) if candidate else None
        if codec is not None:
            return codec.name
    return name


def fitting_encoders(video_format: str, kind: str) -> list[str]:
    """Encoders of `kind` ("video"/"audio") to try for this format: the muxer's own default first."""
    names = []
    try:
        container = av.open(io.BytesIO(), mode="w", format=muxer_name(video_format))
    except (ValueError, av.error.FFmpegError):
        return []
    try:
        default = container.default_video_codec if kind == "video" else container.default_audio_codec
    finally:
        container.close()
    for name in (default, *FALLBACK_ENCODERS[kind]):
        codec = _encoder(name) if name and name != "none" else None
        if codec is not None and codec.type == kind and codec.name not in names:
            names.append(codec.name)
    return names


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
