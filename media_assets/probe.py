"""What an uploaded media file is, read without trusting it.

``probe_media`` answers what the OpenShot Cloud API puts in a File's
``json`` (duration, frame rate, size, codecs, audio layout, tags) under
OpenShot's key names. There are exactly two fenced ways into an upload, and
``thumbnails`` uses the same two:

* ``open_still_image``: Pillow, limited to ``STILL_IMAGE_FORMATS``; the pixel
  count from the header is checked before any pixel is decoded, so a
  decompression bomb raises NotMedia instead of a warning.
* ``open_media_container``: FFmpeg (PyAV) on the local file only: protocol
  allow-list ``file``, demuxer allow-list ``ACCEPTED_CONTAINER_FORMATS`` as
  ``format_whitelist``. FFmpeg applies that right after probing, before the
  demuxer reads anything, so an HLS playlist, ffconcat script or SDP file,
  whatever its name, is refused without opening what it names. The detected
  format is then checked by name once more.

Choices the rest of Montage relies on (libopenshot's where it has one):

* A still lasts 3600 s (``STILL_IMAGE_SECONDS``, as QtImageReader reports)
  at 30 fps: ``video_length`` "108000", ``type`` "QtImageReader", ``vcodec``
  Pillow's format ("png"), width and height upright per EXIF orientation.
* Audio without video gets libopenshot's 24 fps frame grid; width/height 0.
  Cover art (an mp3's picture) is not video: such a file is "audio".
* ``duration`` is the video stream's when there is one; ``video_length`` is
  ``round(duration * fps)``.
* ``pixel_format`` is FFmpeg's name ("yuv420p"), not libopenshot's
  build-dependent AVPixelFormat number.
* ``metadata``: container tags win over stream tags of the same name.
* An absent stream reads as zeros: codec "", index -1, timebase 0/1.
"""

from __future__ import annotations

import math
import os
import stat
import struct
import warnings
from fractions import Fraction
from typing import Any

import av
import av.logging
from av.container import InputContainer
from av.stream import Disposition
from PIL import Image, UnidentifiedImageError

from media_assets.bounded_work import raised_again
from media_assets.media_info import no_audio
from media_assets.svg import SvgRefused, describe_svg, looks_like_svg

DEFAULT_MAX_IMAGE_PIXELS = 100_000_000

STILL_IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF", "PPM")

# FFmpeg demuxer names. A demuxer may carry several ("mov,mp4,m4a,3gp,3g2,mj2");
# one accepted name accepts it. Left out on purpose: anything that reads other
# files or URLs (hls, dash, concat, sdp, rtsp, webm_dash_manifest, image2's
# numbered sequences), text formats, and still-image demuxers (Pillow reads
# stills). The "aac" demuxer is the ADTS one.
ACCEPTED_CONTAINER_FORMATS = frozenset({
    "mov", "mp4", "m4a", "3gp", "3g2", "mj2",
    "matroska", "webm",
    "avi", "mpegts", "mpeg", "mxf", "flv", "ogg", "asf",
    "wav", "mp3", "flac", "aac", "aiff",
})

DEMUXER_OPTIONS = {
    "protocol_whitelist": "file",
    "format_whitelist": ",".join(sorted(ACCEPTED_CONTAINER_FORMATS)),
    # QuickTime data references point at other files; FFmpeg ignores them by
    # default, and this keeps it so.
    "enable_drefs": "0",
}

STILL_IMAGE_SECONDS = 3600.0
STILL_IMAGE_FPS = Fraction(30)
AUDIO_ONLY_FPS = Fraction(24)
UNKNOWN_VIDEO_FPS = Fraction(30)

NOT_MEDIA_MESSAGE = "the upload is not a media file FFmpeg or Pillow can read"

# libopenshot's channel_layout is FFmpeg's AV_CH_* bit mask: bit n stands for
# channel n of FFmpeg's AVChannel enumeration, by the names PyAV gives them.
CHANNEL_BITS = {
    **{name: 1 << bit for bit, name in enumerate(
        "FL FR FC LFE BL BR FLC FRC BC SL SR TC TFL TFC TFR TBL TBC TBR".split())},
    **{name: 1 << bit for bit, name in enumerate(
        "DL DR WL WR SDL SDR LFE2 TSL TSR BFC BFL BFR SSL SSR TTL TTR".split(), start=29)},
    "BIL": 1 << 61, "BIR": 1 << 62,
}

# AVFieldOrder: 0 unknown, 1 progressive, 2 TT, 3 BB, 4 TB, 5 BT.
INTERLACED_FIELD_ORDERS = frozenset({2, 3, 4, 5})
BOTTOM_FIRST_FIELD_ORDERS = frozenset({3, 5})

# Pillow modes under the FFmpeg pixel format name that means the same thing.
PILLOW_MODE_PIXEL_FORMATS = {
    "1": "monob", "L": "gray", "LA": "ya8", "P": "pal8", "RGB": "rgb24",
    "RGBA": "rgba", "I;16": "gray16le", "I;16B": "gray16be", "YCbCr": "yuv444p",
}

# What Pillow's parsers raise on bad bytes (UnidentifiedImageError, an OSError,
# is caught before these: it means "not a still", not "a broken one").
PILLOW_READ_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)

EXIF_ORIENTATION = 0x0112
EXIF_ORIENTATIONS_TURNED = frozenset({5, 6, 7, 8})


@raised_again
class NotMedia(ValueError):
    """The upload is not media Montage accepts; the message can be shown to the uploader."""


def probe_media(path: str, *, max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> dict[str, Any]:
    """Describe the media file at ``path`` with OpenShot's keys; NotMedia if it is not one."""
    _require_regular_nonempty_file(path)
    if looks_like_svg(path):  # titles: neither Pillow nor FFmpeg reads SVG (see media_assets.svg)
        try:
            return describe_svg(path, max_image_pixels=max_image_pixels)
        except SvgRefused as exc:
            raise NotMedia(str(exc)) from exc
    image = open_still_image(path, max_image_pixels=max_image_pixels)
    if image is not None:
        with image:
            return _describe_still(image, file_size=os.path.getsize(path))
    with open_media_container(path) as container:
        return _describe_container(container, file_size=os.path.getsize(path))


def open_still_image(path: str, *, max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS) -> Image.Image | None:
    """Pillow's lazily-loaded image, checked; None when the file is not a still Pillow reads.

    Raises NotMedia when it is one of ``STILL_IMAGE_FORMATS`` but has more than
    ``max_image_pixels`` pixels or fails Pillow's verification.
    """
    _require_regular_nonempty_file(path)
    try:
        image = _open_with_pillow(path, STILL_IMAGE_FORMATS)
    except UnidentifiedImageError:
        if _claims_still_format(path):
            # Its magic bytes name a still Pillow reads, but no header parsed: left to FFmpeg, a
            # damaged JPEG came back as "container format 'image2' is not accepted".
            raise NotMedia("the image is damaged and cannot be read") from None
        return None
    except Image.DecompressionBombError as exc:
        # Pillow's process-wide guard (twice Image.MAX_IMAGE_PIXELS) fired before
        # the size could be read: the image is beyond any limit in force.
        limit = min(max_image_pixels, 2 * (Image.MAX_IMAGE_PIXELS or max_image_pixels))
        raise NotMedia(f"image is too large: it exceeds the limit of {limit:,} pixels") from exc
    except PILLOW_READ_ERRORS as exc:
        # The magic bytes matched but the header did not parse (a truncated JPEG).
        raise NotMedia("the image is damaged and cannot be read") from exc
    width, height = image.size
    if width * height > max_image_pixels:
        image.close()
        raise NotMedia(
            f"image is too large: {width}x{height} pixels exceeds the limit of {max_image_pixels:,} pixels"
        )
    try:
        image.verify()
    except PILLOW_READ_ERRORS as exc:
        raise NotMedia(f"the {image.format} image is damaged and cannot be read") from exc
    finally:
        image.close()
    # verify() leaves the image unusable; the caller gets a fresh, lazy one.
    return _open_with_pillow(path, (image.format,))


def open_media_container(path: str) -> InputContainer:
    """The local file at ``path`` opened by FFmpeg inside the fence described above."""
    _require_regular_nonempty_file(path)
    _record_ffmpeg_errors()
    try:
        container = av.open(
            "file:" + os.path.abspath(path),
            mode="r",
            container_options=DEMUXER_OPTIONS,
            metadata_errors="replace",
        )
    except av.error.FFmpegError as exc:
        raise NotMedia(_refusal_reason(exc)) from exc
    format_name = container.format.name
    if not ACCEPTED_CONTAINER_FORMATS.intersection(format_name.split(",")):
        container.close()
        raise NotMedia(f"container format {format_name!r} is not accepted")
    return container


def is_cover_art(stream: av.stream.Stream) -> bool:
    """An audio file's attached picture, which FFmpeg presents as a one-frame video stream."""
    return bool(stream.disposition & Disposition.attached_pic)


def _require_regular_nonempty_file(path: str) -> None:
    # A FIFO or device would block or never end; FileNotFoundError is the
    # caller's bug, not the uploader's, so it passes through.
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotMedia("the upload is not a regular file")
    if status.st_size == 0:
        raise NotMedia("the upload is empty (0 bytes)")


def _claims_still_format(path: str) -> bool:
    """The file begins as one of ``STILL_IMAGE_FORMATS`` does (Pillow's own signature checks)."""
    Image.init()
    with open(path, "rb") as handle:
        prefix = handle.read(16)
    accepts = (Image.OPEN.get(name, (None, None))[1] for name in STILL_IMAGE_FORMATS)
    return any(accept is not None and accept(prefix) for accept in accepts)


def _open_with_pillow(path: str, formats: tuple[str, ...]) -> Image.Image:
    with warnings.catch_warnings():
        # The per-call pixel limit decides; Pillow's global one would only warn.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(path, formats=formats)


def _record_ffmpeg_errors() -> None:
    # PyAV attaches FFmpeg's last error line (it names a refused demuxer) to its
    # exceptions only while its log callback is installed. PANIC installs it
    # without emitting anything; an application that chose a level keeps it.
    if av.logging.get_level() is None:
        av.logging.set_level(av.logging.PANIC)


def _refusal_reason(exc: av.error.FFmpegError) -> str:
    _level, source, message = exc.log or (0, "", "")
    if message.startswith("Format not on whitelist"):
        return f"container format {source!r} is not accepted"
    if "not on whitelist" in message:
        return "the upload refers to other files or URLs, which is not accepted"
    return NOT_MEDIA_MESSAGE


def _describe_still(image: Image.Image, *, file_size: int) -> dict[str, Any]:
    width, height = image.size
    if image.getexif().get(EXIF_ORIENTATION) in EXIF_ORIENTATIONS_TURNED:
        width, height = height, width
    return {
        "type": "QtImageReader",
        "media_type": "image",
        "has_video": True,
        "has_single_image": True,
        "duration": STILL_IMAGE_SECONDS,
        "fps": _fraction(STILL_IMAGE_FPS),
        "video_length": str(round(STILL_IMAGE_SECONDS * STILL_IMAGE_FPS)),
        "video_timebase": _fraction(1 / STILL_IMAGE_FPS),
        "video_stream_index": -1,
        "vcodec": image.format.lower(),
        "width": width,
        "height": height,
        "pixel_ratio": _fraction(Fraction(1)),
        "display_ratio": _display_ratio(width, height, Fraction(1)),
        "pixel_format": PILLOW_MODE_PIXEL_FORMATS.get(image.mode, image.mode.lower()),
        "video_bit_rate": 0,
        "interlaced_frame": False,
        "top_field_first": True,
        **no_audio(),
        "file_size": str(file_size),
        "metadata": {key: value.strip() for key, value in image.info.items() if isinstance(value, str)},
    }


def _describe_container(container: InputContainer, *, file_size: int) -> dict[str, Any]:
    video = next((s for s in container.streams.video if not is_cover_art(s) and s.codec_context), None)
    audio = next((s for s in container.streams.audio if s.codec_context), None)
    if video is None and audio is None:
        raise NotMedia("the file has no audio or video stream")
    duration = _duration_seconds(container, video or audio)
    if video is not None:
        fps = video.guessed_rate or video.average_rate or video.base_rate or UNKNOWN_VIDEO_FPS
        picture = _describe_video(video, container, fps)
        media_type = "video"
    else:
        fps = AUDIO_ONLY_FPS
        picture = _no_video(fps)
        media_type = "audio"
    return {
        "type": "FFmpegReader",
        "media_type": media_type,
        "has_single_image": False,
        "duration": duration,
        "fps": _fraction(fps),
        "video_length": str(round(duration * fps)),
        **picture,
        **(_describe_audio(audio) if audio is not None else no_audio()),
        "file_size": str(file_size),
        "metadata": _merged_tags(container, video, audio),
    }


def _describe_video(stream: av.video.stream.VideoStream, container: InputContainer, fps: Fraction) -> dict[str, Any]:
    codec_context = stream.codec_context
    width, height = codec_context.width, codec_context.height
    pixel_ratio = stream.sample_aspect_ratio or codec_context.sample_aspect_ratio or Fraction(1)
    field_order = codec_context.field_order
    return {
        "has_video": True,
        "video_stream_index": stream.index,
        "vcodec": codec_context.codec.canonical_name,
        "width": width,
        "height": height,
        "pixel_ratio": _fraction(pixel_ratio),
        "display_ratio": _display_ratio(width, height, pixel_ratio),
        "pixel_format": codec_context.pix_fmt or "",
        "video_bit_rate": codec_context.bit_rate or container.bit_rate or 0,
        "video_timebase": _fraction(stream.time_base or 1 / fps),
        "interlaced_frame": field_order in INTERLACED_FIELD_ORDERS,
        "top_field_first": field_order not in BOTTOM_FIRST_FIELD_ORDERS,
    }


def _no_video(fps: Fraction) -> dict[str, Any]:
    return {
        "has_video": False,
        "video_stream_index": -1,
        "vcodec": "",
        "width": 0,
        "height": 0,
        "pixel_ratio": _fraction(Fraction(1)),
        "display_ratio": _fraction(Fraction(1)),
        "pixel_format": "",
        "video_bit_rate": 0,
        "video_timebase": _fraction(1 / fps),
        "interlaced_frame": False,
        "top_field_first": True,
    }


def _describe_audio(stream: av.audio.stream.AudioStream) -> dict[str, Any]:
    codec_context = stream.codec_context
    return {
        "has_audio": True,
        "audio_stream_index": stream.index,
        "acodec": codec_context.codec.canonical_name,
        "sample_rate": codec_context.sample_rate,
        "channels": codec_context.layout.nb_channels,
        "channel_layout": _channel_layout_mask(codec_context.layout),
        "audio_bit_rate": codec_context.bit_rate or 0,
        "audio_timebase": _fraction(stream.time_base or Fraction(1, codec_context.sample_rate or 1)),
    }


def _channel_layout_mask(layout: av.AudioLayout) -> int:
    """libopenshot's channel_layout number: FFmpeg's AV_CH_LAYOUT mask (stereo 3, 5.1 1551)."""
    names = [channel.name for channel in layout.channels]
    if names and not all(name in CHANNEL_BITS for name in names):
        # Unlabelled channels (a plain mono WAV says only "1 channels"): FFmpeg's
        # default layout for that many channels, when it has one.
        try:
            names = [channel.name for channel in av.AudioLayout(f"{len(names)}c").channels]
        except ValueError:
            return 0
    mask = 0
    for name in names:
        mask |= CHANNEL_BITS.get(name, 0)
    return mask


def _duration_seconds(container: InputContainer, stream: av.stream.Stream) -> float:
    """Seconds from the stream's header, else the container's, else by reading packet times."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    tagged = _matroska_duration_tag(stream)
    if tagged:
        return tagged
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    rate = getattr(stream, "average_rate", None)
    if stream.frames and rate:
        return float(stream.frames / rate)
    return _duration_from_packets(container, stream)


def _matroska_duration_tag(stream: av.stream.Stream) -> float | None:
    # Matroska keeps per-stream durations only as a "DURATION" tag, "HH:MM:SS.nnnnnnnnn";
    # the container's duration would include the audio's encoder padding.
    hours, _, rest = stream.metadata.get("DURATION", "").partition(":")
    minutes, _, seconds = rest.partition(":")
    try:
        total = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return None
    return total if math.isfinite(total) and total > 0 else None


def _duration_from_packets(container: InputContainer, stream: av.stream.Stream) -> float:
    # Demuxing without decoding is cheap, and some files (raw streams, cut
    # captures) carry no duration anywhere else.
    first = last = None
    for packet in container.demux(stream):
        if packet.pts is None:
            continue
        end = packet.pts + (packet.duration or 0)
        first = packet.pts if first is None else min(first, packet.pts)
        last = end if last is None else max(last, end)
    if first is None or not stream.time_base:
        return 0.0
    return float((last - first) * stream.time_base)


def _merged_tags(container: InputContainer, *streams: av.stream.Stream | None) -> dict[str, str]:
    tags = {key: value.strip() for key, value in container.metadata.items()}
    for stream in streams:
        if stream is not None:
            for key, value in stream.metadata.items():
                tags.setdefault(key, value.strip())
    return tags


def _display_ratio(width: int, height: int, pixel_ratio: Fraction) -> dict[str, int]:
    if not (width and height):
        return _fraction(Fraction(1))
    return _fraction(Fraction(width * pixel_ratio.numerator, height * pixel_ratio.denominator))


def _fraction(value: Fraction | int) -> dict[str, int]:
    value = Fraction(value)
    return {"num": value.numerator, "den": value.denominator}
