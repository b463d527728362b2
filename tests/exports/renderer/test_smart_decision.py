"""Which timelines a smart render takes, and the reason given for every one it leaves to a full render.

Plain inputs only: media that exist nowhere on disk, probed facts written by hand.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from exports.options import validate_overrides
from exports.renderer import Clip, Effect, Media, Output, Timeline
from exports.renderer.smart import ClipRun, StreamFacts, smart_choice, smart_decision
from exports.renderer.smart_pieces import COPY, ENCODE, Gop, Piece, copied_share, gops, run_pieces
from exports.renderer.smart_probe import PacketEntry

FPS = Fraction(30)
A = Media(path="/media/a.mp4", media_type="video", has_video=True, has_audio=True, width=320, height=240, fps=FPS,
          duration=10.0)
B = replace(A, path="/media/b.mov")


def facts(path: str = A.path, **changes) -> StreamFacts:
    base = StreamFacts(path=path, container="mov", codec="h264", profile="High", level=30, width=320, height=240,
                       pix_fmt="yuv420p", fps=FPS, field_order="progressive", time_base=Fraction(1, 15360),
                       frame_count=300)
    return replace(base, **changes)


def clip(media: Media = A, *, id: int = 1, position: float = 0.0, start: float = 0.0, end: float = 1.0,
         effect_objects=(), **properties) -> Clip:
    return Clip(id=id, media=media, position=position, start=start, end=end, layer=1, properties=properties,
                effects=effect_objects)


def cut(*clips: Clip, effects=(), **output) -> Timeline:
    return Timeline(clips=clips, effects=effects, output=Output(**{"width": 320, "height": 240, "fps": FPS, **output}))


def decide(timeline: Timeline, known=None, requested="auto"):
    known = known if known is not None else {A.path: facts(), B.path: facts(B.path)}
    return smart_decision(timeline, known, requested)


def constant(value: float) -> dict:
    return {"Points": [{"co": {"X": 1, "Y": value}, "interpolation": 1}]}


def ramp(first: float, last: float) -> dict:
    return {"Points": [{"co": {"X": 1, "Y": first}, "interpolation": 1},
                       {"co": {"X": 30, "Y": last}, "interpolation": 1}]}


def test_trims_reordered_and_repeated_qualify_as_runs_of_source_frames():
    decision = decide(cut(clip(id=1, start=2.0, end=3.0), clip(B, id=2, position=1.0, start=0.5, end=1.0),
                          clip(id=3, position=1.5, start=2.0, end=3.0), clip(id=4, position=2.5, start=4.0,
                                                                             end=4.0 + 1 / 30)))
    assert decision.smart and decision.render_mode == "smart"
    assert decision.runs == (ClipRun(A.path, 60, 30, 0, 1), ClipRun(B.path, 15, 15, 30, 2),
                             ClipRun(A.path, 60, 30, 45, 3), ClipRun(A.path, 120, 1, 75, 4))


def test_the_export_range_clips_the_runs():
    decision = decide(cut(clip(start=1.0, end=3.0), start_frame=11, end_frame=20))
    assert decision.runs == (ClipRun(A.path, 40, 10, 0, 1),)


def test_an_audio_only_clip_alongside_does_not_stop_a_smart_render():
    tone = Media(path="/media/t.wav", media_type="audio", has_video=False, has_audio=True, duration=2.0)
    assert decide(cut(clip(), replace(clip(tone, id=2), layer=2))).smart


@pytest.mark.parametrize("properties, reason", [
    ({"scale_x": constant(0.5)}, "clip 1 is scaled"),
    ({"scale_y": ramp(1, 2)}, "clip 1 is scaled"),
    ({"location_x": constant(0.1)}, "clip 1 is moved"),
    ({"rotation": constant(90)}, "clip 1 is rotated"),
    ({"alpha": ramp(0, 1)}, "clip 1 is faded or transparent"),
    ({"time": ramp(1, 60)}, "clip 1 is retimed"),
    ({"has_video": ramp(1, 0)}, "clip 1's picture is switched off on some frames"),
    ({"effects": [{"class_name": "Blur"}]}, "clip 1 has effects (Blur)"),
])
def test_a_clip_that_is_not_its_source_frames_untouched_renders_full(properties, reason):
    decision = decide(cut(clip(**properties)))
    assert (decision.smart, decision.render_mode, decision.reason) == (False, "full", reason)


def test_an_effect_object_on_a_clip_and_a_timeline_effect_render_full():
    blur = Effect(id=1, type="Blur", properties={}, end=1.0)
    assert decide(cut(clip(effect_objects=(blur,)))).reason == "clip 1 has effects (Blur)"
    assert decide(cut(clip(), effects=(blur,))).reason == "the timeline has effects"


def test_a_still_image_renders_full():
    image = Media(path="/media/p.png", media_type="image", has_video=True, has_audio=False, width=320, height=240)
    assert decide(cut(clip(image))).reason == "clip 1 is a still image"


def test_two_visible_clips_at_once_render_full():
    decision = decide(cut(clip(id=1, end=2.0), replace(clip(B, id=2, position=1.0), layer=2)))
    assert decision.reason == "clips 1 and 2 are both visible on frame 31"


def test_a_gap_renders_full():
    assert decide(cut(clip(id=1), clip(id=2, position=2.0))).reason == "frames 31-60 show no clip (black)"


@pytest.mark.parametrize("changes, reason", [
    ({"codec": "prores"}, "b.mov is ProRes, the export is H.264"),
    ({"container": "matroska"}, "b.mov is in a matroska container, not MP4, MOV or MPEG-TS"),
    ({"width": 640, "height": 480}, "b.mov is 640x480, the export is 320x240"),
    ({"fps": Fraction(25)}, "b.mov is 25 fps, the export is 30 fps"),
    ({"fps": Fraction(30000, 1001)}, "b.mov is 29.97 fps, the export is 30 fps"),
    ({"constant_rate": False}, "b.mov has a variable frame rate"),
    ({"field_order": "tt"}, "b.mov is interlaced (tt)"),
    ({"pix_fmt": "yuva444p"}, "b.mov has pixel format yuva444p"),
    ({"profile": "Main"}, "b.mov differs from a.mp4 in profile (Main against High)"),
    ({"level": 40}, "b.mov differs from a.mp4 in level (40 against 30)"),
    ({"pix_fmt": "yuv422p"}, "b.mov differs from a.mp4 in pixel format (yuv422p against yuv420p)"),
    ({"time_base": Fraction(1, 90000)}, "b.mov differs from a.mp4 in time base (1/90000 against 1/15360)"),
    ({"frame_count": 20}, "clip 2 runs past the end of b.mov (20 frames)"),
])
def test_files_unlike_the_export_or_each_other_render_full(changes, reason):
    known = {A.path: facts(), B.path: facts(B.path, **changes)}
    decision = decide(cut(clip(id=1), clip(B, id=2, position=1.0)), known)
    assert (decision.smart, decision.reason) == (False, reason)


@pytest.mark.parametrize("output, reason", [
    ({"export_type": "audio"}, "the export is audio, not video"),
    ({"video_format": "webm", "video_codec": "libvpx-vp9"}, "the export's format is webm, not MP4 or MOV"),
    ({"video_codec": "mpeg4"}, "the export's codec is mpeg4, not H.264 or HEVC"),
    ({"video_codec": "libx265"}, "a.mp4 is H.264, the export is HEVC"),
    ({"width": 640, "height": 360}, "a.mp4 is 320x240, the export is 640x360"),
])
def test_export_settings_the_sources_do_not_have_render_full(output, reason):
    assert decide(cut(clip(), **output)).reason == reason


def test_unprobed_files_and_smart_false_render_full():
    assert decide(cut(clip()), known={}).reason == "a.mp4 could not be probed"
    assert decide(cut(clip()), requested=False).reason == "json.smart is false"


def test_json_smart_is_auto_true_or_false():
    assert [smart_choice(json) for json in ({}, None, {"smart": True}, {"smart": False}, {"smart": "auto"})] == \
        ["auto", "auto", True, False, "auto"]
    for bad in ("yes", 1, 0, None, [], {"a": 1}):
        assert validate_overrides({"smart": bad}) == ['json.smart must be "auto", true or false.']
    assert validate_overrides({"smart": True}) == validate_overrides({"smart": "auto"}) == []


# --- pieces -------------------------------------------------------------------------------------


def packets(layout: list[tuple[int, bool, bool]]) -> list[PacketEntry]:
    return [PacketEntry(frame, decode, key, clean, 100) for decode, (frame, key, clean) in enumerate(layout)]


def closed_gops(count: int, size: int) -> list[PacketEntry]:
    """IDR every `size` frames, B-frames reordered inside each GOP (I P B B ...)."""
    layout = []
    for start in range(0, count, size):
        layout.append((start, True, True))
        rest = list(range(start + 1, min(start + size, count)))
        for at in range(0, len(rest), 3):
            group = rest[at:at + 3]
            layout += [(group[-1], False, False)] + [(frame, False, False) for frame in group[:-1]]
    return packets(layout)


def test_closed_gops_with_b_frames_are_copyable():
    found = gops(closed_gops(30, 10))
    assert found == [Gop(0, 10, True), Gop(10, 20, True), Gop(20, 30, True)]


def test_an_open_gop_and_a_non_idr_keyframe_are_not_copyable():
    # decode order: IDR 0, P 3, B 1, B 2, then a non-IDR I at 6 whose leading B-frames 4, 5 come after it
    layout = [(0, True, True), (3, False, False), (1, False, False), (2, False, False),
              (6, True, False), (4, False, False), (5, False, False), (7, False, False),
              (8, True, True), (9, False, False)]
    assert gops(packets(layout)) == [Gop(0, 4, True), Gop(4, 8, False), Gop(8, 10, True)]
    # a clean-flagged keyframe with leading pictures still is not: its frames do not start at it
    layout[4] = (6, True, True)
    assert gops(packets(layout))[1] == Gop(4, 8, False)


@pytest.mark.parametrize("first, count, expected", [
    (10, 20, [(COPY, 10, 20)]),  # cut on keyframes: all copied
    (9, 12, [(ENCODE, 9, 1), (COPY, 10, 10), (ENCODE, 20, 1)]),  # just before a keyframe, out-point just after
    (11, 19, [(ENCODE, 11, 9), (COPY, 20, 10)]),  # just after a keyframe
    (12, 1, [(ENCODE, 12, 1)]),  # one frame
    (0, 30, [(COPY, 0, 30)]),
])
def test_a_run_copies_the_gops_inside_it_and_encodes_the_rest(first, count, expected):
    pieces = run_pieces(ClipRun(A.path, first, count, 5), gops(closed_gops(30, 10)))
    assert [(p.kind, p.src_first, p.count) for p in pieces] == expected
    assert pieces[0].out_start == 5 and sum(p.count for p in pieces) == count
    assert all(b.out_start == a.out_start + a.count for a, b in zip(pieces, pieces[1:]))


def test_copied_share():
    assert copied_share([Piece(COPY, A.path, 0, 30, 0), Piece(ENCODE, A.path, 30, 10, 30)]) == 0.75
