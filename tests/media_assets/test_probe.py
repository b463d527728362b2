"""probe_media: what an upload is, in OpenShot's words, and what it may never do.

Pure tests: no database, media generated with ffmpeg into tmp dirs.
"""

from __future__ import annotations

import json
import os
import random
import re
import struct
import subprocess
import warnings
import zlib
from contextlib import contextmanager
from pathlib import Path

import av
import av.logging
import pytest
from PIL import Image

from media_assets.probe import NotMedia, probe_media
from tests import mediagen

OPENSHOT_KEYS = {
    "duration", "fps", "width", "height", "vcodec", "acodec", "sample_rate", "channels",
    "channel_layout", "has_audio", "has_video", "has_single_image", "media_type", "video_length",
    "video_bit_rate", "audio_bit_rate", "display_ratio", "pixel_ratio", "video_timebase",
    "audio_timebase", "interlaced_frame", "top_field_first", "video_stream_index",
    "audio_stream_index", "pixel_format", "file_size", "metadata", "type",
}


def ffmpeg(*args: str) -> None:
    argv = [mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *args]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL)


def make_tone(path: Path, *, layout: str, seconds: float = 1.0) -> Path:
    """A sine tone whose channels are labelled with an FFmpeg layout name ("mono", "5.1(side)")."""
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
           "-af", f"aformat=channel_layouts={layout}", str(path))
    return path


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims width x height pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@contextmanager
def paths_ffmpeg_opens():
    """Every path FFmpeg logs as "Opening '<path>' for reading" while the block runs."""
    opened: list[str] = []
    previous = av.logging.get_level()
    av.logging.set_level(av.logging.DEBUG)
    try:
        with av.logging.Capture() as logs:
            yield opened
    finally:
        av.logging.set_level(previous)
        opened.extend(
            match.group(1).removeprefix("file:")
            for _level, _name, message in logs
            if (match := re.search(r"Opening '(.*)' for reading", message))
        )


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("probe-media")


@pytest.fixture(scope="module")
def clip(media) -> Path:
    return mediagen.make_video(media / "clip.mp4", seconds=2.0)


@pytest.fixture(scope="module")
def segment(media) -> Path:
    """A real, playable video that a playlist could point at."""
    return mediagen.make_video(media / "segment.ts", seconds=1.0, audio=False)


# What a video is -------------------------------------------------------------


def test_h264_aac_mp4_is_described_with_exactly_openshots_keys(clip):
    probe = probe_media(str(clip))

    assert set(probe) == OPENSHOT_KEYS
    assert probe["type"] == "FFmpegReader"
    assert probe["media_type"] == "video"
    assert probe["has_video"] is True and probe["has_audio"] is True
    assert probe["has_single_image"] is False
    assert probe["fps"] == {"num": 30, "den": 1}
    assert probe["duration"] == pytest.approx(2.0, abs=0.01)
    assert probe["video_length"] == "60"
    assert (probe["width"], probe["height"]) == (160, 90)
    assert probe["display_ratio"] == {"num": 16, "den": 9}
    assert probe["pixel_ratio"] == {"num": 1, "den": 1}
    assert (probe["vcodec"], probe["acodec"]) == ("h264", "aac")
    assert probe["pixel_format"] == "yuv420p"
    assert (probe["sample_rate"], probe["channels"], probe["channel_layout"]) == (44100, 2, 3)
    assert (probe["video_stream_index"], probe["audio_stream_index"]) == (0, 1)
    assert probe["video_timebase"]["num"] == 1 and probe["audio_timebase"] == {"num": 1, "den": 44100}
    assert probe["interlaced_frame"] is False
    assert probe["video_bit_rate"] > 0 and probe["audio_bit_rate"] > 0
    assert probe["file_size"] == str(clip.stat().st_size)


def test_probe_survives_a_json_round_trip(clip):
    probe = probe_media(str(clip))

    assert json.loads(json.dumps(probe)) == probe


@pytest.mark.parametrize(
    ("extension", "codec"),
    [("mkv", "libx264"), ("webm", "libvpx"), ("ts", "libx264"), ("avi", "libx264"), ("flv", "libx264")],
)
def test_duration_is_found_in_containers_whose_stream_headers_lack_it(media, extension, codec):
    video = mediagen.make_video(media / f"clip.{extension}", codec=codec, audio=extension != "webm")

    probe = probe_media(str(video))

    assert probe["duration"] == pytest.approx(2.0, abs=0.05)
    assert int(probe["video_length"]) in (60, 61)


# What audio is ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "acodec"), [("tone.mp3", "mp3"), ("tone.wav", "pcm_s16le")])
def test_audio_only_file_is_audio_on_openshots_24_fps_frame_grid(media, name, acodec):
    probe = probe_media(str(mediagen.make_audio(media / name, seconds=2.0)))

    assert set(probe) == OPENSHOT_KEYS
    assert probe["media_type"] == "audio"
    assert probe["has_audio"] is True and probe["has_video"] is False
    assert probe["acodec"] == acodec
    assert probe["duration"] == pytest.approx(2.0, abs=0.06)
    assert probe["fps"] == {"num": 24, "den": 1}
    assert probe["video_length"] == "48"
    assert (probe["width"], probe["height"], probe["vcodec"], probe["video_stream_index"]) == (0, 0, "", -1)
    assert (probe["sample_rate"], probe["channels"], probe["channel_layout"]) == (44100, 2, 3)


def test_cover_art_does_not_make_a_song_a_video(media):
    song = mediagen.make_audio(media / "plain.mp3")
    cover = mediagen.make_image(media / "cover.png", width=64, height=64)
    with_cover = media / "with-cover.mp3"
    ffmpeg("-i", str(song), "-i", str(cover), "-map", "0", "-map", "1", "-c", "copy",
           "-disposition:v", "attached_pic", str(with_cover))

    probe = probe_media(str(with_cover))

    assert probe["media_type"] == "audio"
    assert probe["has_video"] is False


@pytest.mark.parametrize(
    ("layout", "mask"),
    [("mono", 4), ("stereo", 3), ("2.1", 11), ("3.0", 7), ("5.1(side)", 1551), ("5.1", 63), ("7.1", 1599)],
)
def test_channel_layout_is_libopenshots_number_which_is_ffmpegs_mask(media, layout, mask):
    probe = probe_media(str(make_tone(media / f"layout-{layout}.wav", layout=layout)))

    assert probe["channel_layout"] == mask


@pytest.mark.parametrize("name", ["mono.wav", "mono.m4a", "mono.mp3"])
def test_mono_audio_is_layout_4_even_when_the_file_does_not_label_its_channel(media, name):
    # A plain WAV (no WAVE_FORMAT_EXTENSIBLE) says only "1 channels".
    mono = media / name
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-ac", "1", str(mono))

    probe = probe_media(str(mono))

    assert (probe["channels"], probe["channel_layout"]) == (1, 4)


# Tags ------------------------------------------------------------------------


def test_container_and_stream_tags_are_one_flat_dict_of_strings(media, clip):
    tagged = media / "tagged.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata", "title=Sintel Trailer",
           "-metadata", "artist=Durian Open Movie Team", "-metadata:s:a:0", "language=eng", str(tagged))

    metadata = probe_media(str(tagged))["metadata"]

    assert metadata["title"] == "Sintel Trailer"
    assert metadata["artist"] == "Durian Open Movie Team"
    assert metadata["language"] in {"eng", "und"}  # one stream says eng, the other und
    assert metadata["handler_name"] == "VideoHandler"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())


def test_container_tag_wins_over_a_stream_tag_of_the_same_name(media, clip):
    tagged = media / "both-titles.mkv"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata", "title=The Film",
           "-metadata:s:v:0", "title=Camera 1", str(tagged))

    assert probe_media(str(tagged))["metadata"]["title"] == "The Film"


def test_tag_bytes_that_are_not_utf8_do_not_break_the_probe(media, clip):
    tagged = media / "latin1-title.mkv"
    argv = [mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(clip),
            "-c", "copy", "-metadata", b"title=Caf\xe9", str(tagged)]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL)

    title = probe_media(str(tagged))["metadata"]["title"]

    assert title.startswith("Caf")


# Stills ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["still.png", "still.jpg", "still.bmp", "still.gif", "still.webp", "still.tiff"])
def test_a_still_is_an_hour_long_single_image_read_by_pillow(media, name):
    still = mediagen.make_image(media / name, width=160, height=90)

    probe = probe_media(str(still))

    assert set(probe) == OPENSHOT_KEYS
    assert probe["type"] == "QtImageReader"
    assert probe["media_type"] == "image"
    assert probe["has_single_image"] is True and probe["has_video"] is True and probe["has_audio"] is False
    assert (probe["width"], probe["height"]) == (160, 90)
    assert probe["fps"] == {"num": 30, "den": 1}
    assert probe["duration"] == 3600.0
    assert probe["video_length"] == "108000"
    assert probe["display_ratio"] == {"num": 16, "den": 9}
    assert json.loads(json.dumps(probe)) == probe


def test_a_photo_turned_by_exif_reports_its_upright_size(media):
    photo = media / "portrait.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90 degrees
    Image.new("RGB", (160, 90), "blue").save(photo, exif=exif)

    probe = probe_media(str(photo))

    assert (probe["width"], probe["height"]) == (90, 160)


def test_png_text_chunks_become_metadata(media):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Title", "Poster")
    still = media / "titled.png"
    Image.new("RGB", (16, 16), "green").save(still, pnginfo=info)

    assert probe_media(str(still))["metadata"] == {"Title": "Poster"}


# Refusals: not media -------------------------------------------------------------


def test_bytes_that_are_not_media_are_refused_in_plain_words(tmp_path):
    junk = tmp_path / "holiday.mp4"
    junk.write_bytes(random.Random(0).randbytes(4096))  # fixed junk: the same bytes every run

    with pytest.raises(NotMedia, match="the upload is not a media file FFmpeg or Pillow can read"):
        probe_media(str(junk))


def test_a_text_file_is_refused(tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("meeting notes\nnothing to see\n")

    with pytest.raises(NotMedia, match="not a media file"):
        probe_media(str(notes))


def test_an_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.touch()

    with pytest.raises(NotMedia, match="empty"):
        probe_media(str(empty))


def test_a_truncated_upload_is_refused(tmp_path, clip):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[:2000])

    with pytest.raises(NotMedia):
        probe_media(str(cut))


def test_a_file_with_neither_audio_nor_video_is_refused(tmp_path):
    subtitles = tmp_path / "subs.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    subtitles_only = tmp_path / "subs.mkv"
    ffmpeg("-i", str(subtitles), str(subtitles_only))

    with pytest.raises(NotMedia, match="no audio or video stream"):
        probe_media(str(subtitles_only))


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe.mp4"
    os.mkfifo(pipe)

    with pytest.raises(NotMedia, match="not a regular file"):
        probe_media(str(pipe))


def test_a_missing_file_is_the_callers_error_not_the_uploaders(tmp_path):
    with pytest.raises(FileNotFoundError):
        probe_media(str(tmp_path / "gone.mp4"))


# Refusals: files that point at other files ---------------------------------------


def test_the_open_log_would_show_an_unfenced_playlist_reading_its_segment(tmp_path, segment):
    # Proves the oracle used below: without the demuxer allow-list, FFmpeg follows the playlist.
    playlist = tmp_path / "list.m3u8"
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{segment}\n#EXT-X-ENDLIST\n")

    with paths_ffmpeg_opens() as opened:
        av.open(str(playlist), container_options={"protocol_whitelist": "file"}).close()

    assert str(segment) in opened


@pytest.mark.parametrize("name", ["list.m3u8", "holiday.mp4"])
def test_an_hls_playlist_is_refused_without_reading_what_it_lists(tmp_path, segment, name):
    playlist = tmp_path / name
    playlist.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{segment}\n#EXT-X-ENDLIST\n")

    with paths_ffmpeg_opens() as opened, pytest.raises(NotMedia) as refusal:
        probe_media(str(playlist))

    assert str(segment) not in opened
    assert opened == [str(playlist)]
    # Named .m3u8 FFmpeg detects HLS and the allow-list refuses it by name; named
    # .mp4 FFmpeg does not even take it for HLS.
    assert str(refusal.value) in {
        "container format 'hls' is not accepted",
        "the upload is not a media file FFmpeg or Pillow can read",
    }


def test_an_ffconcat_script_disguised_as_mp4_is_refused_by_format_name(tmp_path, segment):
    script = tmp_path / "holiday.mp4"
    script.write_text(f"ffconcat version 1.0\nfile '{segment.name}'\nfile '/etc/passwd'\n")
    (tmp_path / segment.name).write_bytes(segment.read_bytes())

    with paths_ffmpeg_opens() as opened, pytest.raises(NotMedia, match="container format 'concat' is not accepted"):
        probe_media(str(script))

    assert opened == [str(script)]


def test_an_sdp_file_is_refused_before_it_can_open_a_network_stream(tmp_path):
    session = tmp_path / "holiday.mp4"
    session.write_text("v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\n"
                       "m=video 5004 RTP/AVP 96\na=rtpmap:96 H264/90000\n")

    with pytest.raises(NotMedia, match="container format 'sdp' is not accepted"):
        probe_media(str(session))


# Fixed junk, so every run tries the same bytes: seed 769 is junk whose header Pillow gives up on
# without calling it a JPEG (FFmpeg then named it image2, a refusal that did not say "damaged").
@pytest.mark.parametrize("seed", [0, 769, 1331])
def test_a_broken_jpeg_is_refused(tmp_path, seed):
    broken = tmp_path / "photo.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0" + random.Random(seed).randbytes(256))

    with pytest.raises(NotMedia, match="damaged"):
        probe_media(str(broken))


@pytest.mark.parametrize("name", ["still.tga", "frame%03d.tga"])
def test_stills_outside_pillows_list_do_not_get_in_through_ffmpegs_image_readers(tmp_path, name):
    # image2 reads numbered siblings ("frame%03d.tga" means frame001.tga, frame002.tga ...).
    still = tmp_path / name
    Image.new("RGB", (16, 16), "red").save(still, format="TGA")

    with pytest.raises(NotMedia, match="container format 'image2' is not accepted"):
        probe_media(str(still))


# Refusals: decompression bombs ---------------------------------------------------


def test_a_png_claiming_30000x30000_pixels_is_refused_not_warned_about(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_claiming(30000, 30000))
    assert bomb.stat().st_size < 200

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NotMedia, match="image is too large"):
            probe_media(str(bomb))


def test_an_image_over_the_limit_is_refused_with_its_size_in_the_message(tmp_path):
    # 144 million pixels: over Montage's default limit, under Pillow's own hard stop.
    bomb = tmp_path / "big.png"
    bomb.write_bytes(png_claiming(12000, 12000))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NotMedia, match=r"12000x12000 pixels exceeds the limit of 100,000,000 pixels"):
            probe_media(str(bomb))


def test_the_pixel_limit_is_an_argument_and_inclusive(media):
    still = mediagen.make_image(media / "200x100.png", width=200, height=100)

    with pytest.raises(NotMedia, match="200x100 pixels exceeds the limit of 19,999 pixels"):
        probe_media(str(still), max_image_pixels=19_999)
    assert probe_media(str(still), max_image_pixels=20_000)["width"] == 200


def test_a_damaged_png_is_refused(tmp_path):
    still = tmp_path / "damaged.png"
    Image.effect_noise((64, 64), 50).save(still)
    data = bytearray(still.read_bytes())
    data[data.index(b"IDAT") + 20] ^= 0xFF
    still.write_bytes(bytes(data))

    with pytest.raises(NotMedia, match="damaged"):
        probe_media(str(still))
