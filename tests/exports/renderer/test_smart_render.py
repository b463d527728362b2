"""Smart renders of frame-coded media: every output frame is the source frame the timeline shows.

Sources are frame-coded (each frame shows its number as blocks, see
`framecode`), with B-frames: closed-GOP H.264, open-GOP H.264 (x264
open-gop, non-IDR I-frames) and closed-GOP HEVC (libx265), with a noise
soundtrack. Cuts fall on, just before and just after keyframes; clips are
reordered, one is used twice, one is a single frame. Each output is checked
frame by frame, copied frames packet for packet against the source,
re-encoded ones by PSNR, its timestamps, its faststart layout, and its
sound against a full render's.
"""

from __future__ import annotations

import array
import functools
import hashlib
import math
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import pytest

from exports.renderer import Clip, Media, Output, RenderCancelled, Timeline, build_render, run_render
from exports.renderer.smart import smart_decision
from exports.renderer.smart_pieces import COPY, ENCODE
from exports.renderer.smart_probe import nal_type, nal_units, source_index
from exports.renderer.smart_render import smart_render
from tests import mediagen
from tests.exports.renderer.framecode import code_image, read_code
from tests.exports.renderer.helpers import media_dir

FPS = Fraction(30)
WIDTH, HEIGHT = 160, 96
FRAMES = 120
PARAMETER_SETS = {"h264": {7, 8}, "hevc": {32, 33, 34}}


def _has_encoder(name: str) -> bool:
    listed = subprocess.run([mediagen.ffmpeg_binary(), "-hide_banner", "-encoders"], capture_output=True, text=True)
    return f" {name} " in listed.stdout


@functools.lru_cache(maxsize=None)
def source(kind: str) -> Media:
    """A frame-coded 4 s source with a noise soundtrack: "closed" / "open" H.264 or "hevc"."""
    codec, options = {
        "closed": ("libx264", {"x264-params": "keyint=10:min-keyint=10:scenecut=0:bframes=2:open-gop=0",
                               "crf": "20"}),
        "open": ("libx264", {"x264-params": "keyint=15:min-keyint=15:scenecut=0:bframes=3:open-gop=1",
                             "crf": "20"}),
        "hevc": ("libx265", {"x265-params": "keyint=10:min-keyint=10:scenecut=0:bframes=2:open-gop=0:"
                                            "log-level=error", "crf": "20"}),
    }[kind]
    silent = media_dir() / f"smart-{kind}-video.mp4"
    with av.open(str(silent), "w") as container:
        stream = container.add_stream(codec, rate=30)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = options
        for index in range(FRAMES):
            frame = av.VideoFrame.from_image(code_image(index + 1, WIDTH, HEIGHT, 100 + index))
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    path = media_dir() / f"smart-{kind}.mp4"
    subprocess.run([mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(silent),
                    "-f", "lavfi", "-i", f"anoisesrc=d={FRAMES / 30}:c=pink:r=44100:a=0.3:seed=7",
                    "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-ac", "2", str(path)], check=True)
    return Media(path=str(path), media_type="video", has_video=True, has_audio=True, width=WIDTH, height=HEIGHT,
                 fps=FPS, duration=FRAMES / 30, sample_rate=44100, channels=2)


#: (first source frame, frame count): with GOPs of 10, on a keyframe, just before one, just after one, an earlier
#: part after a later one, the first clip again, a single frame
CUTS = [(10, 20), (59, 13), (41, 10), (0, 10), (10, 20), (95, 1)]


def cut_timeline(media: Media, cuts=CUTS, **output) -> Timeline:
    clips, at = [], 0
    for number, (first, count) in enumerate(cuts, start=1):
        clips.append(Clip(id=number, media=media, position=at / 30, start=first / 30, end=(first + count) / 30,
                          layer=1, properties={}))
        at += count
    codec = "libx265" if "hevc" in media.path else "libx264"
    settings = {"width": WIDTH, "height": HEIGHT, "fps": FPS, "video_codec": codec, "preset": "ultrafast", **output}
    return Timeline(clips=tuple(clips), effects=(), output=Output(**settings))


def expected_frames(cuts=CUTS) -> list[int]:
    return [first + offset for first, count in cuts for offset in range(count)]


def render_smart(timeline: Timeline, tmp_path: Path):
    indexes = {}
    for clip in timeline.clips:
        indexes.setdefault(clip.media.path, source_index(clip.media.path))
    decision = smart_decision(timeline, {path: index.facts for path, index in indexes.items()})
    assert decision.smart, decision.reason
    target = tmp_path / "smart.mp4"
    result = smart_render(timeline, decision, indexes, output_path=str(target), workdir=str(tmp_path / "work"))
    return target, result


# --- checks -------------------------------------------------------------------------------------


def decoded(path: Path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def frame_numbers(frames) -> list[int]:
    return [read_code(frame.to_image()).number - 1 for frame in frames]


def luma(frame: av.VideoFrame) -> bytes:
    plane = frame.planes[0]
    data = bytes(plane)
    return b"".join(data[row * plane.line_size:row * plane.line_size + frame.width] for row in range(frame.height))


def psnr(a: bytes, b: bytes) -> float:
    error = sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)
    return math.inf if error == 0 else 10 * math.log10(255 ** 2 / error)


def packets_by_frame(path: Path, codec: str) -> dict[int, str]:
    """A hash of each packet's NAL units (parameter sets left out), by display frame index."""
    index = source_index(str(path))
    hashes = {}
    with av.open(str(path)) as container:
        for packet in container.demux(container.streams.video[0]):
            if packet.size == 0 or packet.pts is None:
                continue
            units = [unit for unit in nal_units(bytes(packet), index.nal_length_size)
                     if nal_type(codec, unit) not in PARAMETER_SETS[codec]]
            hashes[index.frame_of(packet.pts)] = hashlib.sha256(b"".join(units)).hexdigest()
    return hashes


def check_output(target: Path, media: Media, result, cuts=CUTS) -> None:
    codec = "hevc" if "hevc" in media.path else "h264"
    frames = decoded(target)
    expected = expected_frames(cuts)
    assert frame_numbers(frames) == expected  # every frame, in order, exactly the count
    source_frames = decoded(Path(media.path))
    out_packets, source_packets = packets_by_frame(target, codec), packets_by_frame(Path(media.path), codec)
    for piece in result.pieces:
        for offset in range(piece.count):
            out, src = piece.out_start + offset, piece.src_first + offset
            if piece.kind == COPY:
                assert out_packets[out] == source_packets[src], f"copied frame {out} differs from source {src}"
            else:
                assert psnr(luma(frames[out]), luma(source_frames[src])) >= 40
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        stamps = [(p.dts, p.pts) for p in container.demux(stream) if p.size]
    dts = [d for d, _ in stamps]
    assert dts == sorted(dts) and len(set(dts)) == len(dts)  # monotonic
    assert sorted(p for _, p in stamps) == sorted({p for _, p in stamps})
    warnings = subprocess.run([mediagen.ffmpeg_binary(), "-hide_banner", "-v", "warning", "-i", str(target),
                               "-f", "null", "-"], capture_output=True, text=True)
    assert warnings.returncode == 0 and warnings.stderr.strip() == ""
    assert top_level_boxes(target).index("moov") < top_level_boxes(target).index("mdat")  # +faststart


def top_level_boxes(path: Path) -> list[str]:
    data, boxes, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        boxes.append(data[at + 4:at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8:at + 16], "big")
        if size < 8:
            break
        at += size
    return boxes


def mono_samples(path: Path) -> array.array:
    samples = array.array("h")
    resampler = av.AudioResampler(format="s16", layout="mono", rate=44100)
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[:out.samples * 2])
    return samples


def correlation_offset(a: array.array, b: array.array, *, start: int, length: int, lags: int) -> int:
    """The lag (samples) at which b best matches a around `start`."""
    window = a[start:start + length]
    best, best_lag = -math.inf, 0
    for lag in range(-lags, lags + 1):
        other = b[start + lag:start + lag + length]
        score = sum(x * y for x, y in zip(window, other))
        if score > best:
            best, best_lag = score, lag
    return best_lag


# --- tests --------------------------------------------------------------------------------------


def test_closed_gop_h264_with_b_frames_copies_whole_gops_and_shows_every_expected_frame(tmp_path):
    media = source("closed")
    target, result = render_smart(cut_timeline(media), tmp_path)
    kinds = [(p.kind, p.src_first, p.count) for p in result.pieces]
    assert kinds == [(COPY, 10, 20), (ENCODE, 59, 1), (COPY, 60, 10), (ENCODE, 70, 2), (ENCODE, 41, 10),
                     (COPY, 0, 10), (COPY, 10, 20), (ENCODE, 95, 1)]
    assert (result.copied_frames, result.encoded_frames) == (60, 14)
    check_output(target, media, result)


def test_the_sound_is_the_full_renders_own(tmp_path):
    media = source("closed")
    timeline = cut_timeline(media)
    target, _ = render_smart(timeline, tmp_path)
    full = tmp_path / "full.mp4"
    run_render(build_render(timeline, output_path=str(full), workdir=str(tmp_path / "full")))
    smart_sound, full_sound = mono_samples(target), mono_samples(full)
    assert abs(len(smart_sound) - len(full_sound)) <= 2048  # one AAC frame of priming at most
    for start in (2000, 30000, 60000):  # within the first clip, across the second and third joins
        assert abs(correlation_offset(full_sound, smart_sound, start=start, length=3000, lags=120)) <= 44  # 1 ms
    assert len(decoded(full)) == len(decoded(target))


def test_an_export_range_renders_smart_with_exact_frames(tmp_path):
    media = source("closed")
    timeline = cut_timeline(media, start_frame=15, end_frame=40)  # from inside the first clip to inside the third
    target, result = render_smart(timeline, tmp_path)
    expected = expected_frames()[14:40]
    assert frame_numbers(decoded(target)) == expected


def test_open_gop_h264_reencodes_the_gops_it_cannot_prove_closed(tmp_path):
    media = source("open")
    index = source_index(media.path)
    keys = [(p.frame, p.clean) for p in index.packets if p.key]
    assert keys[0] == (0, True) and not any(clean for _, clean in keys[1:])  # non-IDR I-frames after the first
    cuts = [(0, 15), (44, 20), (30, 16), (0, 1)]
    target, result = render_smart(cut_timeline(media, cuts), tmp_path)
    # the IDR's GOP is copied without its last two frames: they are the next I-frame's leading B-frames
    assert [(p.kind, p.src_first, p.count) for p in result.pieces][:2] == [(COPY, 0, 13), (ENCODE, 13, 2)]
    assert all(p.kind == ENCODE for p in result.pieces[1:])
    check_output(target, media, result, cuts)


@pytest.mark.skipif(not _has_encoder("libx265"), reason="this ffmpeg has no libx265 encoder")
def test_hevc_copies_idr_gops_and_reencodes_around_cuts(tmp_path):
    media = source("hevc")
    target, result = render_smart(cut_timeline(media), tmp_path)
    assert result.copied_frames == 60 and result.encoded_frames == 14
    check_output(target, media, result)


def test_mpeg_ts_input_is_copied_into_mp4(tmp_path):
    closed = source("closed")
    path = media_dir() / "smart-closed.ts"
    subprocess.run([mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", closed.path,
                    "-c", "copy", "-f", "mpegts", str(path)], check=True)
    media = Media(path=str(path), media_type="video", has_video=True, has_audio=True, width=WIDTH, height=HEIGHT,
                  fps=FPS, duration=FRAMES / 30, sample_rate=44100, channels=2)
    cuts = [(10, 20), (59, 13)]
    target, result = render_smart(cut_timeline(media, cuts), tmp_path)
    assert result.copied_frames == 30
    check_output(target, media, result, cuts)


def test_a_cancelled_smart_render_stops_between_steps(tmp_path):
    media = source("closed")
    timeline = cut_timeline(media)
    indexes = {media.path: source_index(media.path)}
    decision = smart_decision(timeline, {media.path: indexes[media.path].facts})
    asked = []

    def should_cancel() -> bool:
        asked.append(True)
        return len(asked) > 3

    with pytest.raises(RenderCancelled):
        smart_render(timeline, decision, indexes, output_path=str(tmp_path / "out.mp4"), workdir=str(tmp_path / "w"),
                     should_cancel=should_cancel)
    assert not (tmp_path / "out.mp4").exists()
