"""The pure parts of previews: which kinds, the one-decode command, the sprite track, the waveform data."""

from fractions import Fraction
from pathlib import Path

import pytest

from media_assets.previews import sprites
from media_assets.previews.graph import conform_rate, preview_plan, proxy_size, scaled, sprite_layout
from media_assets.previews.kinds import kinds_for
from media_assets.previews.waveform import PeakCollector, waveform_data, waveform_errors, waveform_png

VIDEO = {"media_type": "video", "has_audio": True, "duration": 60.0, "fps": {"num": 30000, "den": 1001},
         "width": 1920, "height": 1080, "pixel_ratio": {"num": 1, "den": 1}}


def test_kinds_by_media_type():
    assert [spec.name for spec in kinds_for(VIDEO)] == [
        "thumbnail-small", "thumbnail-medium", "thumbnail-large", "proxy", "sprite", "sprite-vtt", "waveform",
        "waveform-image"]
    assert [spec.name for spec in kinds_for({**VIDEO, "has_audio": False})][-1] == "sprite-vtt"
    assert [spec.name for spec in kinds_for({"media_type": "audio", "has_audio": True})] == [
        "proxy", "waveform", "waveform-image"]
    assert [spec.name for spec in kinds_for({"media_type": "image", "has_single_image": True})] == [
        "thumbnail-small", "thumbnail-medium", "thumbnail-large"]


def test_one_process_makes_every_video_rendition():
    plan = preview_plan("in.mp4", VIDEO, Path("/w"), audio_fd=7, counter_fd=8)
    argv = " ".join(plan.argv)
    assert plan.argv.count("-i") == 1 and plan.argv.count("-filter_complex") == 1
    assert "split=4" in argv and "asplit=2" in argv and "pipe:7" in argv and "pipe:8" in argv
    assert set(plan.outputs) == {"thumbnail-small", "thumbnail-medium", "thumbnail-large", "proxy", "sprite"}
    assert "-fps_mode passthrough" in argv and "+faststart" in argv and "-g 29" in argv
    assert plan.proxy_size == (1280, 720) and plan.frame_count == 1798 and plan.thumbnail_frame == 179


@pytest.mark.parametrize("size, expected", [((1920, 1080), (1280, 720)), ((640, 360), (640, 360)),
                                            ((1080, 1920), (404, 720)), ((721, 481), (720, 480))])
def test_proxy_size_at_most_720_lines_even_aspect_kept_never_upscaled(size, expected):
    assert proxy_size(size) == expected


def test_thumbnails_never_upscale():
    assert scaled((1920, 1080), 1280) == (1280, 720)
    assert scaled((640, 360), 1280) == (640, 360)


@pytest.mark.parametrize("nominal, frames, span, expected", [
    (Fraction(30000, 1001), 300, 300 * 1001 / 30000, Fraction(30000, 1001)),
    (Fraction(24000, 1001), 240, 240 * 1001 / 24000 + 0.01, Fraction(24000, 1001)),  # within 1 %: constant
    (Fraction(30), 60, 3.0, Fraction(20)),  # variable: its average rate
])
def test_conform_rate(nominal, frames, span, expected):
    assert conform_rate(nominal, frames=frames, span=span) == expected


def test_sprite_one_tile_a_second_up_to_100_then_evenly_spaced():
    short = sprite_layout(30 * 12, Fraction(30), (1920, 1080))
    assert short.step == 30 and sprites.tile_count(short, 360) == 12 and (short.tile_width, short.tile_height) == (160, 90)
    long = sprite_layout(30 * 600, Fraction(30), (1920, 1080))
    assert long.step == 180 and sprites.tile_count(long, 30 * 600) == 100


def test_sprite_vtt_cues_tile_the_sheet_and_cover_the_duration():
    layout = sprite_layout(30 * 25, Fraction(30), (1920, 1080))
    track = sprites.sprite_vtt(layout, tiles=25, rate=Fraction(30), duration=25.0)
    lines = track.splitlines()
    assert lines[0] == "WEBVTT"
    assert "00:00:00.000 --> 00:00:01.000" in lines and "sprite.jpg#xywh=0,0,160,90" in lines
    assert "sprite.jpg#xywh=0,90,160,90" in lines  # the 11th tile starts the second row
    assert lines[-2] == "00:00:24.000 --> 00:00:25.000"


def test_peaks_in_audiowaveform_format(tmp_path):
    import os
    from array import array

    read_fd, write_fd = os.pipe()
    collector = PeakCollector(read_fd, sample_rate=48000, samples_per_pixel=256).start()
    samples = array("h", [(-32768 if i % 2 else 32767) if i < 256 else 0 for i in range(256 * 3 + 10)])
    os.write(write_fd, samples.tobytes())
    os.close(write_fd)
    collector.join()
    data = collector.data()
    assert waveform_errors(data) == []
    assert data["length"] == 4 and data["data"][:2] == [-128, 127] and data["data"][2:4] == [0, 0]
    png, (width, height) = waveform_png(data)
    assert png.startswith(b"\x89PNG") and width == 4 and height == 240


def test_waveform_errors_name_what_is_wrong():
    assert "version must be 2" in waveform_errors({**waveform_data([0, 1], sample_rate=48000, samples_per_pixel=256),
                                                   "version": 1})
    assert any("min" in error for error in waveform_errors(waveform_data([5, 1], sample_rate=1, samples_per_pixel=1)))
