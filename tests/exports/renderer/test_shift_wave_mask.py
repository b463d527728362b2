"""Shift, Wave and Mask: what the graph says, and the pixels a real ffmpeg run makes of it.

Also the timelines whose times no frame arithmetic can hold: refused with
a RenderError naming the clip, never an OverflowError.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image

from exports.renderer import (
    Clip,
    Effect,
    Media,
    Output,
    RenderError,
    Timeline,
    build_render,
    run_render,
    timeline_frame_count,
)
from exports.renderer.effects import EFFECTS, effect_catalog
from tests.exports.renderer.helpers import clip, media_dir, steps, still, timeline

FPS = Fraction(30)
WIDE = Media(path="/media/wide.mp4", media_type="video", has_video=True, has_audio=False, width=1920, height=1080,
             fps=FPS, duration=10.0)
SMALL = Media(path="/media/small.mp4", media_type="video", has_video=True, has_audio=False, width=160, height=90,
              fps=FPS, duration=10.0)
MASK = Media(path="/media/owner/mask.png", media_type="image", has_video=True, has_audio=False, width=160, height=90)


def plan_for(*clips: Clip, effects=(), **output):
    settings = {"width": 160, "height": 90, "fps": FPS, **output}
    return build_render(Timeline(clips=clips, effects=effects, output=Output(**settings)),
                        output_path="/out/render.mp4", workdir="/work")


def with_effect(media: Media, kind: str, end: float = 1.0, sources=None, **properties) -> Clip:
    effect = Effect(id=1, type=kind, properties=properties, sources=sources or {})
    return Clip(id=1, media=media, position=0, start=0, end=end, layer=1, properties={}, effects=(effect,))


def graph_of(plan) -> str:
    return plan.files["/work/graph.txt"]


# --- graphs --------------------------------------------------------------------------------------


def test_every_effect_the_spec_names_is_in_the_catalog():
    assert {entry["class_name"] for entry in effect_catalog()} >= {
        "Blur", "Brightness", "Caption", "ChromaKey", "Crop", "Deinterlace", "Hue", "Mask", "Negate", "Pixelate",
        "Saturation", "Shift", "Wave"}
    wave = next(entry for entry in effect_catalog() if entry["class_name"] == "Wave")
    assert [(p["name"], p["default"], p["min"], p["max"]) for p in wave["properties"]] == [
        ("wavelength", 0.06, 0.0, 3.0), ("amplitude", 0.3, 0.0, 5.0), ("multiplier", 0.2, 0.0, 10.0),
        ("shift_x", 0.0, 0.0, 1000.0), ("speed_y", 0.2, 0.0, 300.0)]


def test_shift_moves_every_channel_by_its_fraction_of_the_picture_with_wrapping_edges():
    plan = plan_for(with_effect(SMALL, "Shift", x=0.25, y=-0.1))
    assert "rgbashift@clip1bg1fx1=rh=40:gh=40:bh=40:ah=40:rv=-9:gv=-9:bv=-9:av=-9:edge=wrap" in graph_of(plan)


def test_shift_takes_the_shorter_way_round_and_splits_what_rgbashift_cannot_move_at_once():
    # 0.4 of 1920 is 768 pixels: four filters of 192; 0.75 right is the same as 0.25 left
    plan = plan_for(with_effect(WIDE, "Shift", x=0.4, y=0.75))
    shifts = re.findall(r"rgbashift@clip1bg1fx1s\d=rh=(-?\d+):gh=\S+?:rv=(-?\d+)", graph_of(plan))
    assert len(shifts) == 4
    assert sum(int(h) for h, _ in shifts) == 768 and sum(int(v) for _, v in shifts) == -270
    assert all(abs(int(h)) <= 255 and abs(int(v)) <= 255 for h, v in shifts)


def test_shift_of_zero_or_a_whole_turn_adds_no_filter():
    assert "rgbashift" not in graph_of(plan_for(with_effect(SMALL, "Shift", x=1.0, y=0)))
    assert "rgbashift" not in graph_of(plan_for(with_effect(SMALL, "Shift")))


def test_animated_shift_changes_by_command_on_the_keyframed_frame():
    plan = plan_for(with_effect(SMALL, "Shift", x=steps((1, 0), (3, 0.5))))
    assert "rgbashift@clip1bg1fx1=rh=0:gh=0:bh=0:ah=0:rv=0" in graph_of(plan)
    assert plan.files["/work/clip1bg1.video.cmd"] == (
        "0.050000 rgbashift@clip1bg1fx1 rh -80, rgbashift@clip1bg1fx1 gh -80, rgbashift@clip1bg1fx1 bh -80, "
        "rgbashift@clip1bg1fx1 ah -80;\n")


def test_wave_is_libopenshots_formula_per_pixel_in_rgb():
    graph = graph_of(plan_for(with_effect(SMALL, "Wave")))
    assert "format=gbrp,geq@clip1bg1fx1=r='st(0,clip(Y*W+X+round((sin(Y*(0.06)+((round(T*30)+1)*0.2))+(0))" \
           "*(100+Y*0.001)*(0.06)),0,W*H-1));r(mod(ld(0),W),trunc(ld(0)/W))'" in graph
    assert ":g='" in graph and ":b='" in graph and ":a='" not in graph


def test_wave_keyframes_become_expressions_of_time_and_no_amplitude_means_no_filter():
    graph = graph_of(plan_for(with_effect(SMALL, "Wave", amplitude=steps((1, 0), (3, 1)))))
    assert "*(if(lt(T,0.05),0,0.2))" in graph
    assert "geq" not in graph_of(plan_for(with_effect(SMALL, "Wave", amplitude=0)))


def test_mask_merges_the_owner_file_as_alpha_in_two_statements():
    plan = plan_for(with_effect(SMALL, "Mask", reader={"path": "files/1/mask.png"}, sources={"reader": MASK}))
    graph = graph_of(plan)
    assert re.search(r"^\[clip1pre_1\]format=yuva420p\[clip1fx1k_1\];$", graph, re.MULTILINE)
    assert re.search(r"^\[clip1fx1k_1\]\[clip1fx1m_1\]alphamerge\[clip1fx1_1\];$", graph, re.MULTILINE)
    assert "/media/owner/mask.png" in plan.args


def test_mask_never_gives_ffmpeg_the_path_written_in_its_json():
    plan = plan_for(with_effect(SMALL, "Mask", reader={"path": "/etc/passwd"}, sources={"reader": MASK}))
    assert not any("/etc/passwd" in arg for arg in plan.args)
    assert not any("/etc/passwd" in text for text in plan.files.values())
    with pytest.raises(RenderError, match="Mask reader of clip 1 must be one of your files"):
        plan_for(with_effect(SMALL, "Mask", reader={"path": "/etc/passwd"}))


@pytest.mark.parametrize("fields, message", [
    ({"position": 1e308}, "position of clip 1"),
    ({"position": math.inf}, "position of clip 1"),
    ({"start": math.nan}, "start of clip 1"),
    ({"end": 1e300}, "end of clip 1"),
    ({"position": 9_999_999.0, "end": 5.0}, "position of clip 1"),  # past MAX_TIMELINE_SECONDS (a week)
])
def test_times_no_frame_can_hold_are_refused_with_the_clip_named(fields, message):
    bad = Clip(**{"id": 1, "media": SMALL, "position": 0.0, "start": 0.0, "end": 1.0, "layer": 1,
                  "properties": {}, **fields})
    with pytest.raises(RenderError, match=re.escape(message)):
        plan_for(bad)
    with pytest.raises(RenderError):
        timeline_frame_count(Timeline(clips=(bad,), effects=(), output=Output()))


def test_timeline_effect_at_an_absurd_position_is_refused():
    effect = Effect(id=4, type="Negate", properties={}, layer=1, position=1e308, start=0.0, end=1.0)
    with pytest.raises(RenderError, match="position of effect 4"):
        plan_for(with_effect(SMALL, "Negate"), effects=(effect,))


# --- pixels --------------------------------------------------------------------------------------


def quadrants(name: str) -> Media:
    """160x90: red top-left, blue top-right, green bottom-left, white bottom-right."""
    path = media_dir() / name
    if not path.exists():
        image = Image.new("RGB", (160, 90))
        for box, color in (((0, 0, 80, 45), "red"), ((80, 0, 160, 45), "blue"), ((0, 45, 80, 90), "lime"),
                           ((80, 45, 160, 90), "white")):
            image.paste(color, box)
        image.save(path)
    return Media(path=str(path), media_type="image", has_video=True, has_audio=False, width=160, height=90)


def halves(name: str, left: str, right: str, mode: str = "RGB") -> Media:
    path = media_dir() / name
    if not path.exists():
        image = Image.new(mode, (160, 90), left)
        image.paste(right, (80, 0, 160, 90))
        image.save(path)
    return Media(path=str(path), media_type="image", has_video=True, has_audio=False, width=160, height=90)


def frames_of(tl, tmp_path: Path) -> list[Image.Image]:
    out = tmp_path / "out.mp4"
    run_render(build_render(tl, output_path=str(out), workdir=str(tmp_path / "work")))
    with av.open(str(out)) as container:
        return [frame.to_image() for frame in container.decode(video=0)]


def colour(pixel) -> str:
    names = {"red": (255, 0, 0), "blue": (0, 0, 255), "lime": (0, 255, 0), "white": (255, 255, 255)}
    return min(names, key=lambda n: sum((a - c) ** 2 for a, c in zip(pixel, names[n])))


def test_shift_render_moves_the_picture_and_wraps_it_around(tmp_path):
    effect = Effect(id=1, type="Shift", properties={"x": 0.25, "y": -1 / 3})
    frame = frames_of(timeline(clip(quadrants("quadrants.png"), end=0.1, effects=(effect,))), tmp_path)[0]
    # output (x, y) shows source ((x - 40) mod 160, (y + 30) mod 90)
    expected = {(20, 5): "blue", (60, 5): "red", (130, 5): "blue", (60, 25): "lime", (140, 25): "white",
                (20, 80): "blue", (100, 80): "red"}
    assert {point: colour(frame.getpixel(point)) for point in expected} == expected


def test_animated_shift_render_moves_on_its_keyframe(tmp_path):
    effect = Effect(id=1, type="Shift", properties={"x": steps((1, 0), (3, 0.5))})
    frames = frames_of(timeline(clip(quadrants("quadrants.png"), end=0.2, effects=(effect,))), tmp_path)
    assert [colour(frame.getpixel((20, 20))) for frame in frames] == ["red", "red"] + ["blue"] * 4


def wave_edge(row: int, frame: int, *, amplitude=1.0, multiplier=0.2, wavelength=0.06, speed=0.0) -> int:
    """Where libopenshot's Wave puts the red/blue edge of `halves` on a row (output x of the first blue pixel)."""
    shift = (math.sin(row * wavelength + frame * speed)) * (100 + row * 0.001) * multiplier * amplitude
    return 80 - round(shift)


def test_wave_render_bends_each_row_by_libopenshots_sine(tmp_path):
    effect = Effect(id=1, type="Wave", properties={"amplitude": 1.0, "speed_y": 0.0})
    frame = frames_of(timeline(clip(halves("red-blue.png", "red", "blue"), end=0.1, effects=(effect,))), tmp_path)[0]
    for row in (6, 26, 50, 70, 84):
        edge = wave_edge(row, 1)
        assert colour(frame.getpixel((edge - 4, row))) == "red", row
        assert colour(frame.getpixel((edge + 4, row))) == "blue", row
    # the image is one long line: the end of a row pulled left reads the start of the next one (red)
    assert colour(frame.getpixel((155, 26))) == "red"


def test_wave_render_moves_with_the_frame_number(tmp_path):
    effect = Effect(id=1, type="Wave", properties={"amplitude": 1.0, "speed_y": 0.5})
    frames = frames_of(timeline(clip(halves("red-blue.png", "red", "blue"), end=0.2, effects=(effect,))), tmp_path)
    for index, frame in enumerate(frames):
        edge = wave_edge(40, index + 1, speed=0.5)
        assert colour(frame.getpixel((edge - 4, 40))) == "red" and colour(frame.getpixel((edge + 4, 40))) == "blue"


@pytest.mark.parametrize("as_timeline_effect", [False, True])
def test_mask_white_shows_the_layer_below_and_black_keeps_the_clip(tmp_path, as_timeline_effect):
    mask = halves("mask.png", 0, 255, mode="L")  # black left, white right
    lower = clip(still("blue"), id=1, layer=1, end=0.2)
    if as_timeline_effect:
        effect = Effect(id=7, type="Mask", properties={"reader": {"path": "files/1/mask.png"}}, layer=2,
                        position=0.0, start=0.0, end=0.2, sources={"reader": mask})
        tl = timeline(lower, clip(still("red"), id=2, layer=2, end=0.2), effects=(effect,))
    else:
        effect = Effect(id=1, type="Mask", properties={"reader": {"path": "files/1/mask.png"}},
                        sources={"reader": mask})
        tl = timeline(lower, clip(still("red"), id=2, layer=2, end=0.2, effects=(effect,)))
    for frame in frames_of(tl, tmp_path):
        assert colour(frame.getpixel((20, 45))) == "red"
        assert colour(frame.getpixel((140, 45))) == "blue"


@pytest.mark.parametrize("kind", sorted(EFFECTS))
def test_an_effects_json_defaults_render_as_no_json_at_all(kind):
    """The API answers effect json complete; a client that sends it back unchanged gets the same render."""
    sources = {"reader": MASK} if kind == "Mask" else None
    bare = plan_for(with_effect(SMALL, kind, sources=sources))
    complete = plan_for(with_effect(SMALL, kind, sources=sources, **EFFECTS[kind].json_defaults()))
    assert complete.args == bare.args and complete.files == bare.files
