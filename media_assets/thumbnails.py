"""One frame of a media file as a picture: OpenShot's /files/<id>/thumbnail/.

``render_frame`` takes the file and its stored probe (``probe.probe_media``)
and follows OpenShot's rules: ``frame_number`` counts from 1, and a frame
past the end gives the last frame. It reads the file only through the fenced
openers in ``probe``, so a thumbnail can do nothing a probe could not.

A video frame is found by seeking to the keyframe at or before the frame's
time and decoding forward to the exact frame, never from the start. The
display matrix (a phone's rotation) and non-square pixels are applied,
as ffmpeg's own rendering does.

Choices:

* The picture is scaled to fit inside ``width`` x ``height`` keeping its
  aspect ratio, centred on a black canvas of exactly that size (letterboxed),
  as libopenshot's Frame::Thumbnail does: a client sizing an <img> gets the
  size it asked for.
* A still is the image itself (EXIF orientation applied, transparency over
  black); ``frame_number`` does not matter.
* Audio: its cover art when it has one, else a waveform of
  ``WAVEFORM_SECONDS`` from the frame's time, drawn over the whole canvas.
* XPM is in OpenShot's list but Pillow cannot write it, so it is refused.
"""

from __future__ import annotations

import io
import string
from array import array
from fractions import Fraction
from typing import Any, Sequence

import av
from av.audio.resampler import AudioResampler
from av.container import InputContainer
from PIL import Image, ImageDraw, ImageOps

from config.media.image_formats import QUALITY_FORMATS, image_format as lookup_image_format
from media_assets.probe import (
    DEFAULT_MAX_IMAGE_PIXELS,
    NotMedia,
    is_cover_art,
    open_media_container,
    open_still_image,
)
from media_assets.svg import SvgRefused, rasterise_svg, read_svg

MAX_DIMENSION = 7680
BACKGROUND = (0, 0, 0)

WAVEFORM_SECONDS = 10
WAVEFORM_SAMPLE_RATE = 8000
WAVEFORM_BACKGROUND = (30, 30, 30)
WAVEFORM_COLOUR = (42, 130, 218)


def render_frame(
    path: str,
    probe: dict[str, Any],
    *,
    frame_number: int = 60,
    width: int = 1280,
    height: int = 720,
    image_format: str = "JPEG",
    quality: int = 100,
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    font_files: Sequence[str] | None = None,
) -> tuple[bytes, str]:
    """Frame ``frame_number`` of the file at ``path`` as (image bytes, MIME type).

    An SVG (a title) is drawn by ``media_assets.svg`` with ``font_files``
    (default: the fonts shipped with Montage).

    ValueError for an unknown format or an argument out of bounds; NotMedia
    when the file cannot be read.
    """
    pillow_format, mime_type = _output_format(image_format)
    _require_between("width", width, 1, MAX_DIMENSION)
    _require_between("height", height, 1, MAX_DIMENSION)
    _require_between("quality", quality, 1, 100)
    if frame_number < 1:
        raise ValueError(f"frame_number counts from 1, got {frame_number}")

    if probe.get("vcodec") == "svg":
        picture = _fit(_svg_picture(path, (width, height), font_files), width, height)
    elif probe["media_type"] == "image":
        picture = _fit(_still_picture(path, max_image_pixels, (width, height)), width, height)
    elif probe["has_video"]:
        picture = _fit(_video_picture(path, probe, frame_number), width, height)
    else:
        picture = _audio_picture(path, probe, frame_number, width, height)
    return _encode(picture, pillow_format, quality), mime_type


def still_picture(
    path: str, probe: dict[str, Any], *, box: tuple[int, int], max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    font_files: Sequence[str] | None = None,
) -> Image.Image:
    """An image or SVG file as an upright RGB picture at least `box`'s size where it can be (previews' thumbnails).

    EXIF orientation applied, transparency over black, the pixel limit of
    uploads enforced; NotMedia when it cannot be read.
    """
    if probe.get("vcodec") == "svg":
        return _svg_picture(path, box, font_files)
    return _still_picture(path, max_image_pixels, box)


def reencode(path: str, image_format: str, quality: int = 100) -> tuple[bytes, str]:
    """The image at `path` in another format (for formats ffmpeg cannot write): (bytes, MIME type)."""
    pillow_format, mime_type = _output_format(image_format)
    with Image.open(path) as image:
        return _encode(image.convert("RGB"), pillow_format, quality), mime_type


def _output_format(image_format: str) -> tuple[str, str]:
    fmt = lookup_image_format(image_format)
    return fmt.pillow, fmt.mime_type


def _require_between(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _still_picture(path: str, max_image_pixels: int, box: tuple[int, int]) -> Image.Image:
    image = open_still_image(path, max_image_pixels=max_image_pixels)
    if image is None:
        raise NotMedia("the file is no longer an image Pillow can read")
    with image:
        # JPEG can decode at 1/2, 1/4, 1/8 scale: no need for all of a big photo's
        # pixels. Square box: an EXIF quarter-turn may swap the sides afterwards.
        side = max(box)
        image.draft("RGB", (side, side))
        orientation = image.getexif().get(EXIF_ORIENTATION)
        factor = max(image.size) // (2 * side)  # still twice the box: LANCZOS gets pixels to work with
        picture = _reduced(image, factor) if factor >= 2 else _over_background(ImageOps.exif_transpose(image))
    if factor >= 2 and orientation in _EXIF_TRANSPOSE:
        picture = picture.transpose(_EXIF_TRANSPOSE[orientation])
    return picture


EXIF_ORIENTATION = 0x0112
_EXIF_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: rows of the original shrunk at a time
_STRIP_ROWS = 512


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """The image shrunk `factor` times, flattened over the background, made strip by strip.

    Formats other than JPEG decode whole (4 bytes a pixel at most); Pillow's
    own reduce() and resize() of a transparent image would then make a
    premultiplied copy of all of it, doubling the peak (measured: 860 MB for
    a 10000x10000 RGBA PNG, 430 MB strip by strip; docs/performance.md).
    """
    image.load()
    width, height = image.size
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    rows = factor * max(1, _STRIP_ROWS // factor)
    result = Image.new("RGB", (-(-width // factor), -(-height // factor)), BACKGROUND)
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows)))
        strip = strip.convert("RGBA" if transparent else "RGB").reduce(factor)
        result.paste(_over_background(strip), (0, top // factor))
    return result


def _svg_picture(path: str, box: tuple[int, int], font_files: Sequence[str] | None) -> Image.Image:
    try:
        data, _root = read_svg(path)
        drawn = rasterise_svg(data, box, font_files=font_files)
    except SvgRefused as error:
        raise NotMedia(str(error)) from error
    return _over_background(Image.open(io.BytesIO(drawn)))


def _video_picture(path: str, probe: dict[str, Any], frame_number: int) -> Image.Image:
    fps = Fraction(probe["fps"]["num"], probe["fps"]["den"])
    last_frame = int(probe["video_length"])
    if last_frame > 0:
        frame_number = min(frame_number, last_frame)
    with open_media_container(path) as container:
        stream = container.streams[probe["video_stream_index"]]
        # Slice threads only (PyAV's default): with frame threads, FFmpeg can hang
        # for ever freeing a decoder that stopped before the end of the stream, as
        # a thumbnail does (seen in the test suite; PyAV issues 1849 and 909).
        stream.thread_type = "SLICE"
        frame = _decode_frame_at(container, stream, seconds=(frame_number - 1) / fps, fps=fps)
        picture = frame.to_image()
        pixel_ratio = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
        rotation = getattr(frame, "rotation", 0)
    if pixel_ratio and pixel_ratio != 1:
        square = (max(1, round(picture.width * pixel_ratio)), picture.height)
        picture = picture.resize(square, Image.Resampling.LANCZOS)
    if rotation:
        # Counter-clockwise degrees, as ffmpeg's autorotate applies them.
        picture = picture.rotate(rotation, expand=True)
    return picture


def _decode_frame_at(
    container: InputContainer, stream: av.video.stream.VideoStream, *, seconds: Fraction, fps: Fraction
) -> av.VideoFrame:
    """The frame shown ``seconds`` after the stream starts, or the last one if the stream is shorter."""
    time_base = stream.time_base
    start = stream.start_time or 0
    target = start + round(seconds / time_base)
    half_frame = round(1 / (2 * fps * time_base))
    container.seek(target, stream=stream, backward=True)
    frame = _first_frame_reaching(container.decode(stream), target - half_frame)
    if frame is None or (frame.pts is not None and frame.pts > target + half_frame):
        # A coarse index put the seek past the target: decode from the start instead.
        container.seek(start, stream=stream, backward=True)
        frame = _first_frame_reaching(container.decode(stream), target - half_frame)
    if frame is None:
        raise NotMedia("no picture could be decoded from the video")
    return frame


def _first_frame_reaching(frames, pts: int) -> av.VideoFrame | None:
    """The first frame at or after ``pts``, else the last frame decoded."""
    last = None
    for frame in frames:
        last = frame
        if frame.pts is not None and frame.pts >= pts:
            break
    return last


def _audio_picture(path: str, probe: dict[str, Any], frame_number: int, width: int, height: int) -> Image.Image:
    fps = Fraction(probe["fps"]["num"], probe["fps"]["den"])
    start = min(float((frame_number - 1) / fps), max(0.0, probe["duration"] - WAVEFORM_SECONDS))
    with open_media_container(path) as container:
        cover = next((s for s in container.streams.video if is_cover_art(s)), None)
        if cover is not None:
            for frame in container.decode(cover):
                return _fit(frame.to_image(), width, height)
        samples = _mono_samples(container, container.streams[probe["audio_stream_index"]], start)
    return _draw_waveform(samples, width, height)


def _mono_samples(container: InputContainer, stream: av.audio.stream.AudioStream, start: float) -> array:
    """Up to WAVEFORM_SECONDS of the stream from ``start``, as 16-bit mono at a low rate."""
    wanted = WAVEFORM_SECONDS * WAVEFORM_SAMPLE_RATE
    samples = array("h")
    resampler = AudioResampler(format="s16", layout="mono", rate=WAVEFORM_SAMPLE_RATE)
    if start > 0:
        container.seek(round(start / stream.time_base), stream=stream, backward=True)
    for frame in container.decode(stream):
        for chunk in resampler.resample(frame):
            samples.frombytes(bytes(chunk.planes[0])[: chunk.samples * samples.itemsize])
        if len(samples) >= wanted:
            break
    return samples[:wanted]


def _draw_waveform(samples: array, width: int, height: int) -> Image.Image:
    canvas = Image.new("RGB", (width, height), WAVEFORM_BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    middle = height / 2
    per_column = max(1, len(samples) // width)
    for x in range(width):
        column = samples[x * per_column : (x + 1) * per_column]
        peak = max((abs(s) for s in column), default=0) / 32768
        reach = max(0.5, peak * middle)
        draw.line([(x, middle - reach), (x, middle + reach)], fill=WAVEFORM_COLOUR)
    return canvas


def _over_background(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flattened = Image.new("RGB", rgba.size, BACKGROUND)
        flattened.paste(rgba, mask=rgba.getchannel("A"))
        return flattened
    return image.convert("RGB")


def _fit(picture: Image.Image, width: int, height: int) -> Image.Image:
    """``picture`` scaled to fit inside width x height, centred on a canvas of that size."""
    scale = min(width / picture.width, height / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if size == (width, height):
        return picture
    canvas = Image.new("RGB", (width, height), BACKGROUND)
    canvas.paste(picture, ((width - size[0]) // 2, (height - size[1]) // 2))
    return canvas


def _encode(picture: Image.Image, pillow_format: str, quality: int) -> bytes:
    if pillow_format == "XPM":
        return _xpm(picture)
    if pillow_format == "XBM":
        picture = picture.convert("1")  # XBM is one bit per pixel
    options = {"quality": quality} if pillow_format in QUALITY_FORMATS else {}
    buffer = io.BytesIO()
    picture.save(buffer, format=pillow_format, **options)
    return buffer.getvalue()


#: two characters name each of up to 256 colours (none is '"' or a backslash)
_XPM_CHARACTERS = string.ascii_letters + string.digits + "+-"


def _xpm(picture: Image.Image) -> bytes:
    """An XPM image: OpenShot offers the format and Pillow only reads it, so it is written here.

    The picture is reduced to 256 colours, each named by two characters.
    """
    indexed = picture.convert("RGB").quantize(colors=256)
    palette = indexed.getpalette()[: 3 * 256]
    names = [a + b for a in _XPM_CHARACTERS for b in _XPM_CHARACTERS][:256]
    used = len(palette) // 3
    width, height = indexed.size
    lines = ["/* XPM */", "static char *thumbnail[] = {", f'"{width} {height} {used} 2",']
    lines += [f'"{names[i]} c #{palette[3 * i]:02x}{palette[3 * i + 1]:02x}{palette[3 * i + 2]:02x}",' for i in range(used)]
    pixels = indexed.tobytes()
    lines += ['"' + "".join(names[index] for index in pixels[row * width:(row + 1) * width]) + '",' for row in range(height)]
    lines.append("};")
    return ("\n".join(lines) + "\n").encode("ascii")
