"""Real ffmpeg runs on tiny media: the right frames land on the right frame numbers.

Sources are frame-coded (each frame shows its own number, see
framecode.py), so decoding the output tells which source frame every
output frame shows.
"""

from __future__ import annotations

import array
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from exports.renderer import (
    RenderCancelled,
    RenderFailed,
    RenderTimedOut,
    build_render,
    run_render,
)
from exports.renderer.run import explain_failure
from tests.exports.renderer.framecode import decoded_frames, read_code
from tests.exports.renderer.helpers import clip, coded_video, linear, steps, still, timeline, tone, tone_video

LOWER, UPPER = 64, 192  # grey tags of the two frame-coded sources


def render(tl, tmp_path: Path, name: str = "out.mp4", **run_options):
    plan = build_render(tl, output_path=str(tmp_path / name), workdir=str(tmp_path / "work"))
    run_render(plan, **run_options)
    return tmp_path / name


def numbers(path: Path, box=None) -> list[int]:
    return [read_code(frame, box).number for frame in decoded_frames(path)]


# --- frame accuracy ----------------------------------------------------------------------------


def test_output_holds_exactly_the_timeline_frame_count(tmp_path):
    out = render(timeline(clip(coded_video(), position=0.5, end=2.0)), tmp_path)
    assert len(decoded_frames(out)) == 75  # round((0.5 + 2.0) * 30)


def test_clip_trimmed_by_start_shows_source_frame_at_position(tmp_path):
    out = render(timeline(clip(coded_video(), position=0.5, start=0.3, end=1.0)), tmp_path)
    # black until timeline frame 15, then source frames 10..30 (round(0.3*30)+1 = 10)
    assert numbers(out) == [0] * 15 + list(range(10, 31))


def test_clip_starting_deep_in_its_file_is_frame_exact_after_seeking(tmp_path):
    out = render(timeline(clip(coded_video(), position=0.2, start=1.5, end=2.5)), tmp_path)
    assert numbers(out) == [0] * 6 + list(range(46, 76))


def test_start_and_end_frame_select_an_inclusive_window(tmp_path):
    out = render(timeline(clip(coded_video()), start_frame=40, end_frame=49), tmp_path)
    assert numbers(out) == list(range(40, 50))


def test_clip_longer_than_its_file_holds_its_last_frame(tmp_path):
    out = render(timeline(clip(coded_video(frames=30), end=1.5)), tmp_path)
    assert numbers(out) == list(range(1, 31)) + [30] * 15


def test_overlapping_layers_put_the_upper_layer_on_top_on_exact_frames(tmp_path):
    lower = clip(coded_video(LOWER), id=1, layer=1, end=3.0)
    upper = clip(coded_video(UPPER), id=2, layer=2, position=1.0, start=0.5, end=1.5)
    readings = [read_code(frame) for frame in decoded_frames(render(timeline(lower, upper), tmp_path))]
    shown = [(r.number, "upper" if r.tag > 128 else "lower") for r in readings]
    expected = [(n + 1, "lower") for n in range(30)] + [(16 + n, "upper") for n in range(30)] \
        + [(n + 1, "lower") for n in range(60, 90)]
    assert shown == expected


def test_crossfade_blends_on_the_fade_frames_and_then_shows_only_the_upper_clip(tmp_path):
    lower = clip(coded_video(LOWER), id=1, layer=1, end=2.0)
    upper = clip(coded_video(UPPER), id=2, layer=2, position=1.0, end=1.0, alpha=linear((1, 0), (11, 1)))
    tags = [read_code(frame).tag for frame in decoded_frames(render(timeline(lower, upper), tmp_path))]
    assert all(abs(tag - LOWER) <= 3 for tag in tags[:31])  # frame 30: the upper clip at alpha 0
    fading = tags[31:40]
    assert all(LOWER + 5 < tag < UPPER - 5 for tag in fading) and fading == sorted(fading)
    assert all(abs(tag - UPPER) <= 3 for tag in tags[40:])


def test_clips_one_after_another_join_without_a_lost_or_repeated_frame(tmp_path):
    first = clip(coded_video(LOWER), id=1, end=1.0)
    second = clip(coded_video(UPPER), id=2, position=1.0, start=1.2, end=2.0)
    frames = decoded_frames(render(timeline(first, second), tmp_path))
    readings = [(r.number, r.tag > 128) for r in map(read_code, frames)]
    assert readings == [(n, False) for n in range(1, 31)] + [(n, True) for n in range(37, 61)]


def test_animated_location_moves_the_clip_on_the_keyframed_frame(tmp_path):
    half = clip(coded_video(), scale_x=0.5, scale_y=0.5, gravity=0,
                location_x=steps((1, 0), (20, 0.5)), location_y=steps((1, 0), (25, 0.5)))
    frames = decoded_frames(render(timeline(half, end_frame=30), tmp_path))
    where = []
    for index, frame in enumerate(frames):
        for x, y in ((0, 0), (80, 0), (80, 45)):
            if read_code(frame, (x, y, 80, 45)).number == index + 1:
                where.append((x, y))
                break
        else:
            where.append(None)
    assert where == [(0, 0)] * 19 + [(80, 0)] * 5 + [(80, 45)] * 6


def test_clips_moving_on_every_frame_on_four_layers_are_placed_on_their_exact_frames(tmp_path):
    # an overlay's position must follow its own frames even when upper layers wait on their inputs
    def x_of(layer, frame):
        return (frame * 7 + layer * 50) % 150 * 4

    moving = [
        clip(coded_video(60 + 40 * layer), id=layer + 1, layer=layer + 1, end=1.0, gravity=0, scale=3, scale_x=0.25,
             location_y=layer * 0.25,
             location_x=steps(*((frame, x_of(layer, frame) / 640) for frame in range(1, 31))))
        for layer in range(4)
    ]
    frames = decoded_frames(render(timeline(*moving, width=640, height=360), tmp_path))
    placed = [[read_code(frame, (x_of(layer, index + 1), layer * 90, 40, 90)).number for layer in range(4)]
              for index, frame in enumerate(frames)]
    assert placed == [[index + 1] * 4 for index in range(30)]


def test_alpha_fade_raises_the_pixels_frame_by_frame(tmp_path):
    fading = clip(still("white"), end=1.0, alpha=linear((1, 0), (11, 1)))
    levels = [frame.convert("L").getpixel((80, 45)) for frame in decoded_frames(render(timeline(fading), tmp_path))]
    assert levels[0] < 20
    assert all(later > earlier for earlier, later in zip(levels[:10], levels[1:11]))
    assert levels[10] > 235 and levels[-1] > 235


def test_rotated_clip_is_turned_about_its_centre(tmp_path):
    turned = clip(still("white"), end=0.1, scale_x=0.5, scale_y=0.2, rotation=90)  # 80x18 standing upright
    frame = decoded_frames(render(timeline(turned), tmp_path))[0].convert("L")
    assert frame.getpixel((80, 10)) > 200 and frame.getpixel((80, 80)) > 200  # the long side is vertical now
    assert frame.getpixel((40, 45)) < 30 and frame.getpixel((120, 45)) < 30


def test_image_clip_shows_the_still_only_during_its_span(tmp_path):
    tl = timeline(clip(coded_video(), end=2.0), clip(still("red"), id=2, layer=2, position=0.5, end=0.5,
                                                     scale_x=0.5, scale_y=0.5))
    frames = decoded_frames(render(tl, tmp_path))
    red = [frame.getpixel((80, 45))[0] > 200 and frame.getpixel((80, 45))[1] < 60 for frame in frames]
    assert red == [False] * 15 + [True] * 15 + [False] * 30


# --- sound -------------------------------------------------------------------------------------


def loudness_per_tenth(path: Path) -> list[float]:
    """Mean absolute sample value for each 0.1 s of the first channel."""
    samples = array.array("h")
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            samples.frombytes(bytes(frame.planes[0])[: frame.samples * 2 * len(frame.layout.channels)])
    channels = 2
    mono = samples[::channels]
    step = 4410
    return [sum(abs(v) for v in mono[i:i + step]) / step for i in range(0, len(mono) - step + 1, step)]


def test_audio_only_clip_is_heard_from_its_position_and_silent_elsewhere(tmp_path):
    tl = timeline(clip(tone(1.0), position=0.5), export_type="audio", video_format="wav", audio_codec="pcm_s16le",
                  end_frame=60)
    levels = loudness_per_tenth(render(tl, tmp_path, "out.wav"))
    assert len(levels) == 20
    assert max(levels[:5]) < 1 and min(levels[6:14]) > 1000 and max(levels[16:]) < 1


def test_volume_keyframes_fade_the_sound(tmp_path):
    tl = timeline(clip(tone(2.0), volume=linear((1, 0), (60, 1))), export_type="audio", video_format="wav",
                  audio_codec="pcm_s16le")
    levels = loudness_per_tenth(render(tl, tmp_path, "out.wav"))
    assert levels[0] < levels[9] < levels[18]
    assert levels[18] == pytest.approx(levels[19], rel=0.1)


def test_video_export_carries_the_mixed_audio_with_the_exact_duration(tmp_path):
    out = render(timeline(clip(tone_video(2.0), position=0.5)), tmp_path)
    with av.open(str(out)) as container:
        audio = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(audio))
    assert samples == pytest.approx(2.5 * 44100, abs=1024)


# --- other export types ------------------------------------------------------------------------


def test_image_export_writes_the_start_frame(tmp_path):
    out = render(timeline(clip(coded_video()), export_type="image", start_frame=37, image_format="png"),
                 tmp_path, "frame.png")
    assert read_code(Image.open(out)).number == 37


def test_image_sequence_writes_each_frame_numbered_by_its_timeline_frame(tmp_path):
    out = render(timeline(clip(coded_video()), export_type="image-sequence", start_frame=5, end_frame=9,
                          image_format="jpg"), tmp_path, "frames")
    names = sorted(os.listdir(out))
    assert names == [f"frame-{n:05d}.jpg" for n in range(5, 10)]
    assert [read_code(Image.open(out / name)).number for name in names] == [5, 6, 7, 8, 9]


def test_waveform_export_draws_the_sound_in_the_wave_colour_on_the_background(tmp_path):
    tl = timeline(clip(tone_video(2.0)), export_type="waveform", width=320, height=120,
                  wave_color="#ff0000", wave_background_color="#0000ff")
    picture = Image.open(render(tl, tmp_path, "wave.png")).convert("RGB")
    assert picture.size == (320, 120)
    assert picture.getpixel((160, 60))[0] > 200  # the tone is loud: red through the middle
    assert picture.getpixel((160, 2)) == (0, 0, 255)


# --- running, stopping, failing ----------------------------------------------------------------


def slow_timeline():
    """Minutes of 1080p at the slowest x264 preset: a render that is still busy when we stop it."""
    return timeline(clip(still("green"), end=600.0, rotation=linear((1, 0), (18000, 360))),
                    width=1920, height=1080, preset="veryslow")


def ffmpeg_processes_mentioning(marker: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def test_progress_is_reported_and_ends_at_100(tmp_path):
    reports = []
    render(timeline(clip(coded_video())), tmp_path, on_progress=reports.append)
    assert reports[-1] == 100.0
    assert all(0 <= value <= 100 for value in reports)


def test_cancel_ends_ffmpeg_within_two_seconds_and_leaves_no_process(tmp_path):
    plan = build_render(slow_timeline(), output_path=str(tmp_path / "slow.mp4"), workdir=str(tmp_path / "work"))
    asked = []

    def should_cancel():
        asked.append(time.monotonic())
        return len(asked) > 2

    with pytest.raises(RenderCancelled):
        run_render(plan, should_cancel=should_cancel, poll_interval=0.1)
    assert time.monotonic() - asked[-1] < 2.0
    assert ffmpeg_processes_mentioning(str(tmp_path)) == []


def test_time_limit_stops_a_render_that_runs_too_long(tmp_path):
    plan = build_render(slow_timeline(), output_path=str(tmp_path / "slow.mp4"), workdir=str(tmp_path / "work"))
    started = time.monotonic()
    with pytest.raises(RenderTimedOut):
        run_render(plan, time_limit=0.5, poll_interval=0.1)
    assert time.monotonic() - started < 2.5
    assert ffmpeg_processes_mentioning(str(tmp_path)) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_ffmpeg_dies_with_a_worker_that_is_killed_outright(tmp_path):
    script = textwrap.dedent(f"""
        import sys, tempfile
        sys.path[:0] = {[str(Path.cwd()), *sys.path]!r}
        tempfile.tempdir = {str(tmp_path)!r}  # this worker is killed: keep its media where pytest cleans up
        from exports.renderer import build_render, run_render
        from tests.exports.renderer.test_render import slow_timeline
        plan = build_render(slow_timeline(), output_path={str(tmp_path / "slow.mp4")!r},
                            workdir={str(tmp_path / "w")!r})
        run_render(plan, on_progress=lambda p: print("started", flush=True))
    """)
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip() == "started"
        assert ffmpeg_processes_mentioning(str(tmp_path))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=5)
        deadline = time.monotonic() + 2.0
        while ffmpeg_processes_mentioning(str(tmp_path)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ffmpeg_processes_mentioning(str(tmp_path)) == []
    finally:
        worker.kill()
        for pid in ffmpeg_processes_mentioning(str(tmp_path)):
            os.kill(pid, signal.SIGKILL)


def test_unknown_codec_fails_with_a_message_naming_it(tmp_path):
    with pytest.raises(RenderFailed) as failure:
        render(timeline(clip(coded_video(), end=0.5), video_codec="foo"), tmp_path)
    assert str(failure.value) == "ffmpeg could not encode with codec 'foo': Unknown encoder."
    assert any("foo" in line for line in failure.value.log_tail)


def test_missing_media_fails_with_a_message_naming_the_file(tmp_path):
    gone = coded_video().__class__(**{**coded_video().__dict__, "path": str(tmp_path / "gone.mp4")})
    with pytest.raises(RenderFailed, match="A media file is missing: .*gone.mp4"):
        render(timeline(clip(gone, end=0.5)), tmp_path)


@pytest.mark.parametrize("log, message", [
    (["[in#0 @ 0x1] Error opening input: Invalid data found when processing input",
      "Error opening input file /media/notes.txt.", "Error opening input files: Invalid data found when processing input"],
     "A media file could not be read (it is damaged or not a format ffmpeg knows): notes.txt."),
    (["[vost#0:0 @ 0x1] Could not find tag for codec pcm_s16le in stream #0, codec not currently supported in container"],
     "The chosen container cannot hold the codec 'pcm_s16le'."),
    (["[out#0/mp4 @ 0x1] Error writing trailer: No space left on device"],
     "The disk is full; the render could not be written."),
    (["[aost#0:1 @ 0x1] Something nobody foresaw", "Conversion failed!"],
     "ffmpeg could not render the export: Something nobody foresaw"),
])
def test_ffmpeg_errors_become_sentences_a_user_can_act_on(log, message):
    assert explain_failure(log, 1) == message
