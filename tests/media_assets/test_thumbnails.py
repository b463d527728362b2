"""render_frame: OpenShot's thumbnail of frame N, checked against PyAV's own decode.

The oracle for "the right frame" is a plain front-to-back decode of the same
file by PyAV: ffmpeg's test pattern changes every frame, so a thumbnail
rendered at the clip's own size (PNG, no resize) must equal that frame
pixel for pixel.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops

from media_assets import thumbnails
from media_assets.probe import NotMedia, open_media_container, probe_media
from media_assets.thumbnails import render_frame
from tests import mediagen


def ffmpeg(*args: str) -> None:
    argv = [mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL)


def make_solid_video(path: Path, *, colour: str, sample_aspect: str = "1") -> Path:
    """Two seconds of one colour at 160x90, optionally with non-square pixels."""
    ffmpeg("-f", "lavfi", "-i", f"color=c={colour}:size=160x90:rate=30:duration=2",
           "-vf", f"setsar={sample_aspect}", "-c:v", "libx264", "-preset", "ultrafast",
           "-pix_fmt", "yuv420p", str(path))
    return path


def frames_decoded_in_order(path: Path) -> list[Image.Image]:
    with av.open(str(path)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


def picture(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None


def render_png(path: Path, **options) -> Image.Image:
    data, _mime = render_frame(str(path), probe_media(str(path)), image_format="PNG", **options)
    return picture(data)


class CountingContainer:
    """Wraps a container and counts the frames its decode() hands out."""

    def __init__(self, container):
        self._container = container
        self.frames_decoded = 0

    def __getattr__(self, name):
        return getattr(self._container, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._container.close()

    def decode(self, *args, **kwargs):
        for frame in self._container.decode(*args, **kwargs):
            self.frames_decoded += 1
            yield frame


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("thumbnail-media")


@pytest.fixture(scope="module")
def clip(media) -> Path:
    """2 s at 30 fps: frames 1..60."""
    return mediagen.make_video(media / "clip.mp4", seconds=2.0)


@pytest.fixture(scope="module")
def clip_frames(clip) -> list[Image.Image]:
    return frames_decoded_in_order(clip)


# Which frame -----------------------------------------------------------------


def test_by_default_it_is_frame_60_which_is_the_last_frame_of_a_2_second_clip(clip, clip_frames):
    assert len(clip_frames) == 60

    assert same_pixels(render_png(clip, width=160, height=90), clip_frames[59])


@pytest.mark.parametrize("frame_number", [1, 2, 30, 31, 45, 59])
def test_frame_numbers_count_from_1(clip, clip_frames, frame_number):
    assert same_pixels(render_png(clip, frame_number=frame_number, width=160, height=90),
                       clip_frames[frame_number - 1])


def test_frame_1_and_frame_45_are_different_pictures(clip):
    first = render_png(clip, frame_number=1, width=160, height=90)
    later = render_png(clip, frame_number=45, width=160, height=90)

    assert not same_pixels(first, later)


def test_a_frame_past_the_end_is_the_last_frame(clip, clip_frames):
    assert same_pixels(render_png(clip, frame_number=5000, width=160, height=90), clip_frames[-1])


def test_a_late_frame_is_reached_by_seeking_to_a_keyframe_not_by_decoding_from_the_start(media, monkeypatch):
    long_clip = media / "long.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30:duration=10", "-c:v", "libx264",
           "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", str(long_clip))
    opened: list[CountingContainer] = []

    def counting_open(path):
        opened.append(CountingContainer(open_media_container(path)))
        return opened[-1]

    monkeypatch.setattr(thumbnails, "open_media_container", counting_open)

    thumbnail = render_png(long_clip, frame_number=280, width=160, height=90)

    assert same_pixels(thumbnail, frames_decoded_in_order(long_clip)[279])
    assert len(opened) == 1, "thumbnails must open files through probe's fenced opener"
    assert opened[0].frames_decoded <= 31  # from the keyframe at frame 271, not 280 frames


# Size and shape ------------------------------------------------------------------


def test_the_picture_is_letterboxed_to_exactly_the_requested_size(media):
    red = make_solid_video(media / "red.mp4", colour="red")

    thumbnail = render_png(red, width=200, height=200)  # 16:9 content is 200x113 in the middle

    assert thumbnail.size == (200, 200)
    assert thumbnail.getpixel((100, 10)) == (0, 0, 0)
    assert thumbnail.getpixel((100, 190)) == (0, 0, 0)
    red_pixel = thumbnail.getpixel((100, 100))
    assert red_pixel[0] > 200 and red_pixel[1] < 40


def test_non_square_pixels_are_shown_at_their_display_aspect(media):
    wide = make_solid_video(media / "anamorphic.mp4", colour="red", sample_aspect="2")

    thumbnail = render_png(wide, width=640, height=640)  # 320x90 displayed: content is 640x180

    assert thumbnail.getpixel((320, 200)) == (0, 0, 0)
    assert thumbnail.getpixel((320, 320))[0] > 200


def test_a_phone_videos_rotation_is_applied_like_ffmpeg_does(media, clip):
    turned = media / "turned.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(clip), "-c", "copy", str(turned))
    by_ffmpeg = media / "turned-by-ffmpeg.png"
    ffmpeg("-i", str(turned), "-frames:v", "1", str(by_ffmpeg))

    thumbnail = render_png(turned, frame_number=1, width=90, height=160)

    assert same_pixels(thumbnail, Image.open(by_ffmpeg))


# Stills and audio ------------------------------------------------------------------


def test_a_still_is_the_image_itself_whatever_the_frame_number(media):
    still = mediagen.make_image(media / "red.png", width=160, height=90, color="red")

    thumbnail = render_png(still, frame_number=5000, width=160, height=90)

    assert same_pixels(thumbnail, Image.open(still))


def test_a_photo_is_shown_upright_per_its_exif_orientation(media):
    photo = media / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new("RGB", (160, 90), "blue").save(photo, exif=exif)

    thumbnail = render_png(photo, width=90, height=160)

    assert thumbnail.getbbox() == (0, 0, 90, 160)  # fills the portrait canvas: no bars
    assert thumbnail.getpixel((45, 80))[2] > 200


def test_transparent_parts_of_a_still_are_black(media):
    still = media / "transparent.png"
    Image.new("RGBA", (16, 16), (255, 255, 255, 0)).save(still)

    assert render_png(still, width=16, height=16).getpixel((8, 8)) == (0, 0, 0)


def test_audio_is_drawn_as_a_waveform_of_the_requested_size(media):
    song = mediagen.make_audio(media / "tone.mp3", seconds=2.0)

    thumbnail = render_png(song, width=320, height=180)

    assert thumbnail.size == (320, 180)
    assert thumbnail.getpixel((160, 90)) == thumbnails.WAVEFORM_COLOUR
    assert thumbnail.getpixel((160, 2)) == thumbnails.WAVEFORM_BACKGROUND


def test_audio_with_cover_art_shows_the_cover(media):
    song = mediagen.make_audio(media / "plain.mp3")
    cover = mediagen.make_image(media / "cover.png", width=64, height=64, color="red")
    with_cover = media / "with-cover.mp3"
    ffmpeg("-i", str(song), "-i", str(cover), "-map", "0", "-map", "1", "-c", "copy",
           "-disposition:v", "attached_pic", str(with_cover))

    thumbnail = render_png(with_cover, width=100, height=100)

    assert thumbnail.getpixel((50, 50))[0] > 240


# Formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "pillow_format", "mime_type"),
    [
        ("JPEG", "JPEG", "image/jpeg"),
        ("jpg", "JPEG", "image/jpeg"),
        ("png", "PNG", "image/png"),
        ("BMP", "BMP", "image/bmp"),
        ("PPM", "PPM", "image/x-portable-pixmap"),
        ("gif", "GIF", "image/gif"),
        ("WebP", "WEBP", "image/webp"),
        ("XBM", "XBM", "image/x-xbitmap"),
    ],
)
def test_each_format_is_encoded_with_its_mime_type(clip, requested, pillow_format, mime_type):
    data, mime = render_frame(str(clip), probe_media(str(clip)), width=320, height=180, image_format=requested)

    assert mime == mime_type
    assert picture(data).format == pillow_format
    assert picture(data).size == (320, 180)


def test_the_default_is_a_720p_jpeg(clip):
    data, mime = render_frame(str(clip), probe_media(str(clip)))

    assert mime == "image/jpeg"
    assert picture(data).size == (1280, 720)


def test_jpeg_quality_is_honoured(clip):
    probe = probe_media(str(clip))

    rough, _ = render_frame(str(clip), probe, image_format="JPG", quality=10)
    fine, _ = render_frame(str(clip), probe, image_format="JPG", quality=100)

    assert len(rough) < len(fine) / 2


@pytest.mark.parametrize("image_format", ["TIFF", "svg", ""])
def test_a_format_that_cannot_be_written_is_refused_with_the_valid_list(clip, image_format):
    with pytest.raises(ValueError, match="JPG, JPEG, PNG, BMP, PPM, GIF, WEBP, XBM, XPM"):
        render_frame(str(clip), probe_media(str(clip)), image_format=image_format)


@pytest.mark.parametrize(
    "options",
    [
        {"width": 0}, {"width": 7681}, {"height": 0}, {"height": 7681},
        {"quality": 0}, {"quality": 101}, {"frame_number": 0},
    ],
    ids=lambda options: "-".join(f"{key}={value}" for key, value in options.items()),
)
def test_arguments_out_of_bounds_are_refused(clip, options):
    with pytest.raises(ValueError):
        render_frame(str(clip), probe_media(str(clip)), **options)


def test_the_largest_allowed_size_is_accepted(clip):
    data, _ = render_frame(str(clip), probe_media(str(clip)), width=7680, height=1, image_format="BMP")

    assert picture(data).size == (7680, 1)


# Safety --------------------------------------------------------------------------


def test_a_file_swapped_for_a_playlist_after_probing_is_refused(tmp_path, clip):
    upload = tmp_path / "upload.m3u8"
    upload.write_bytes(clip.read_bytes())
    probe = probe_media(str(upload))
    upload.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{clip}\n#EXT-X-ENDLIST\n")

    with pytest.raises(NotMedia, match="container format 'hls' is not accepted"):
        render_frame(str(upload), probe)
