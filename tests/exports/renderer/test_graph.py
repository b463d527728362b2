"""A timeline in, an ffmpeg command out: what the plan says, without running it."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

from exports.renderer import Clip, Effect, Media, Output, RenderError, Timeline, build_render, timeline_frame_count
from exports.renderer.effects import effect_catalog

FPS = Fraction(30)
VIDEO = Media(path="/media/a.mp4", media_type="video", has_video=True, has_audio=True, width=160, height=90,
              fps=FPS, duration=30.0, sample_rate=44100, channels=2)
SMALL = Media(path="/media/small.mp4", media_type="video", has_video=True, has_audio=False, width=80, height=60,
              fps=FPS, duration=30.0)
STILL = Media(path="/media/still.png", media_type="image", has_video=True, has_audio=False, width=320, height=180)
SONG = Media(path="/media/song.mp3", media_type="audio", has_video=False, has_audio=True, duration=30.0,
             sample_rate=44100, channels=2)


def clip(media=VIDEO, *, id=1, position=0.0, start=0.0, end=2.0, layer=1, **props) -> Clip:
    return Clip(id=id, media=media, position=position, start=start, end=end, layer=layer, properties=props)


def plan_for(*clips: Clip, effects=(), **output):
    settings = {"width": 160, "height": 90, "fps": FPS, **output}
    return build_render(Timeline(clips=clips, effects=effects, output=Output(**settings)),
                        output_path="/out/render.mp4", workdir="/work")


def graph_of(plan) -> str:
    return plan.files["/work/graph.txt"]


def statement(plan, label: str) -> str:
    """The graph statement that ends in [label_...]."""
    return next(line for line in graph_of(plan).splitlines() if re.search(rf"\[{label}_\d+\];?$", line))


def chain_from(plan, source: str) -> str:
    """The graph statement that starts from an input stream such as [0:v]."""
    return next(line for line in graph_of(plan).splitlines() if line.startswith(source))


def option(plan, name: str) -> str:
    args = list(plan.args)
    return args[args.index(name) + 1]


def linear(*points):
    return {"Points": [{"co": {"X": x, "Y": y}, "interpolation": 1} for x, y in points]}


def steps(*points):
    return {"Points": [{"co": {"X": x, "Y": y}, "interpolation": 2} for x, y in points]}


# --- frame counts ------------------------------------------------------------------------------


def test_a_20_second_timeline_at_30_fps_is_exactly_600_frames():
    plan = plan_for(clip(end=20.0))
    assert plan.frame_count == 600
    assert plan.duration == pytest.approx(20.0)
    assert option(plan, "-frames:v") == "600"
    assert option(plan, "-r") == "30"
    assert "trim=end_pts=600" in chain_from(plan, "[0:v]")


def test_timeline_frame_count_ends_with_the_last_visible_frame_of_the_last_clip():
    timeline = Timeline(
        clips=(clip(position=0.0, end=1.0), clip(id=2, position=2.5, start=1.0, end=2.0)),
        effects=(), output=Output(fps=FPS),
    )
    assert timeline_frame_count(timeline) == 105  # round((2.5 + 1.0) * 30)


def test_start_and_end_frame_render_that_inclusive_window_only():
    plan = plan_for(clip(end=10.0), start_frame=21, end_frame=50)
    assert plan.frame_count == 30
    assert option(plan, "-frames:v") == "30"
    # the clip is cut from its 21st frame on (under a second in, so decoded rather than sought)
    assert "trim=start_pts=20:end_pts=50,setpts=PTS-STARTPTS[" in chain_from(plan, "[0:v]")


def test_end_frame_minus_one_means_the_end_of_the_last_clip():
    assert plan_for(clip(end=3.0), end_frame=-1).frame_count == 90


# --- trims, offsets, seeking -------------------------------------------------------------------


def test_clip_trimmed_by_start_and_positioned_later_is_cut_then_shifted_to_its_first_visible_frame():
    plan = plan_for(clip(position=0.5, start=0.3, end=1.0))
    # source frames 10..30 (0-based 9..29) shown from timeline frame 16 (output index 15)
    assert chain_from(plan, "[0:v]").startswith("[0:v]setpts=PTS-STARTPTS,fps=30,trim=start_pts=9:end_pts=30,"
                                                "setpts=PTS-STARTPTS+15,")
    # after 15 frames of black, joined end to end
    assert "color=c=black:s=160x90:r=30,trim=end_frame=15[black_1]" in graph_of(plan)
    assert re.search(r"\[black_1\]\[clip1bg2_1\]concat=n=2:v=1:a=0,format=yuv420p", graph_of(plan))


def test_clip_starting_deep_in_its_file_seeks_half_a_frame_before_its_first_frame():
    plan = plan_for(clip(start=2.0, end=3.0))
    args = list(plan.args)
    # and stops reading a frame after its last one: 30 frames + 1, counted from the seek point
    first_input = args.index("-i")
    assert args[first_input - 4:first_input + 2] == ["-ss", "1.983333", "-t", "1.050000", "-i", "/media/a.mp4"]
    assert "trim=end_pts=30," in chain_from(plan, "[0:v]")


def test_source_at_another_frame_rate_is_mapped_to_the_output_rate_by_time():
    film = Media(path="/media/film.mp4", media_type="video", has_video=True, has_audio=False, width=160, height=90,
                 fps=Fraction(24), duration=10.0)
    assert "fps=30000/1001," in chain_from(plan_for(clip(film, end=1.0), fps=Fraction(30000, 1001)), "[0:v]")


def test_clip_longer_than_its_file_holds_the_last_frame():
    short = Media(path="/media/short.mp4", media_type="video", has_video=True, has_audio=False, width=160,
                  height=90, fps=FPS, duration=1.0)
    assert "tpad=stop=-1:stop_mode=clone" in chain_from(plan_for(clip(short, end=2.0)), "[0:v]")
    assert "tpad" not in chain_from(plan_for(clip(end=2.0)), "[0:v]")


# --- compositing -------------------------------------------------------------------------------


def test_layers_are_overlaid_lowest_first_over_a_black_canvas():
    plan = plan_for(clip(SMALL, id=7, layer=3), clip(SMALL, id=8, layer=1), clip(SMALL, id=9, layer=2))
    overlays = re.findall(r"overlay@(clip\d+)=", graph_of(plan))
    assert overlays == ["clip8", "clip9", "clip7"]
    assert "color=c=black:s=160x90:r=30,trim=end_frame=60" in graph_of(plan)
    assert all("eof_action=pass" in line for line in graph_of(plan).splitlines() if "overlay@" in line)


def test_opaque_clip_of_canvas_size_is_the_picture_itself_without_overlay_scale_or_alpha():
    plan = plan_for(clip())
    chain = chain_from(plan, "[0:v]")
    assert "scale" not in chain and "format=yuva420p" not in chain and "lut" not in chain
    assert "overlay" not in graph_of(plan) and "color=" not in graph_of(plan)
    assert not any(path.endswith(".cmd") for path in plan.files)


def test_clips_filling_the_canvas_one_after_another_are_joined_end_to_end():
    plan = plan_for(clip(id=1, end=1.0), clip(id=2, position=1.0, start=3.0, end=4.0))
    assert "overlay" not in graph_of(plan)
    assert re.search(r"\[clip1bg1_1\]\[clip2bg2_1\]concat=n=2:v=1:a=0,format=yuv420p,setsar=1", graph_of(plan))


def test_a_clip_under_an_opaque_full_frame_clip_is_not_drawn_there():
    low = clip(SMALL, id=1, layer=1, end=3.0)
    high = clip(id=2, layer=2, position=1.0, end=1.0)
    plan = plan_for(low, high)
    # the small clip is drawn on output frames 0-29 and 60-89 only: two chains, cut and sought to those frames
    assert "trim=end_pts=30,setpts=PTS-STARTPTS" in chain_from(plan, "[0:v]")
    assert "trim=end_pts=30,setpts=PTS-STARTPTS+60" in chain_from(plan, "[2:v]")
    assert re.findall(r"overlay@(\w+)=", graph_of(plan)) == ["clip1p1", "clip1p2"]
    assert re.search(r"\[black_1\]\[clip2bg2_1\]\[black_2\]concat=n=3", graph_of(plan))


def test_crossfade_blends_only_during_the_fade_then_the_upper_clip_is_the_picture():
    lower = clip(id=1, layer=1, end=2.0)
    upper = clip(id=2, layer=2, position=1.0, start=0.0, end=1.0, alpha=linear((1, 0), (11, 1)))
    graph = graph_of(plan_for(lower, upper))
    # frames 30-39: the upper clip fades in over the lower one; from frame 40 on it alone is the picture
    assert re.findall(r"overlay@(\w+)=", graph) == ["clip2p1"]
    assert "trim=end_pts=10,setpts=PTS-STARTPTS+30" in graph
    assert re.search(r"\[clip1bg1_1\]\[clip2bg2_1\]concat=n=2", graph)


@pytest.mark.parametrize("mode, size", [(0, "scale@clip1=w=160:h=120"), (2, "scale@clip1bg1=w=160:h=90")])
def test_scale_modes_crop_and_stretch_fill_the_canvas(mode, size):
    assert size in chain_from(plan_for(clip(SMALL, scale=mode)), "[0:v]")


def test_scale_mode_none_keeps_the_source_size():
    plan = plan_for(clip(SMALL, scale=3))
    assert "scale" not in chain_from(plan, "[0:v]")
    assert "overlay@clip1=x=40:y=15:" in graph_of(plan)


@pytest.mark.parametrize("gravity, position", [(0, "x=0:y=0"), (2, "x=40:y=0"), (6, "x=0:y=30"), (8, "x=40:y=30")])
def test_gravity_aligns_the_scaled_clip(gravity, position):
    plan = plan_for(clip(SMALL, scale=3, gravity=gravity, scale_x=1.5, scale_y=1.0))  # 120x60
    assert f"overlay@clip1={position}:" in graph_of(plan)


def test_location_offsets_are_fractions_of_the_canvas():
    plan = plan_for(clip(location_x=0.25, location_y=-0.5))
    assert "overlay@clip1=x=40:y=-45:" in graph_of(plan)


def test_constant_alpha_is_baked_into_the_filter_and_sends_no_commands():
    plan = plan_for(clip(SMALL, alpha=0.5))
    assert "format=yuva420p,lut@clip1=a=val*0.5[" in chain_from(plan, "[0:v]")
    assert "sendcmd" not in graph_of(plan)


def test_half_transparent_full_frame_clip_over_black_is_darkened_instead_of_blended():
    plan = plan_for(clip(alpha=0.5))
    assert "eq@clip1bg1=contrast=0.498047:brightness=-0.217773:saturation=0.5[" in chain_from(plan, "[0:v]")
    assert "overlay" not in graph_of(plan) and "yuva" not in graph_of(plan)


def test_fully_transparent_clip_is_left_out():
    plan = plan_for(clip(SMALL, alpha=0), clip(id=2, end=1.0))
    assert "/media/small.mp4" not in plan.args and "overlay@clip1" not in graph_of(plan)


def test_rotation_turns_the_clip_about_its_centre_in_a_box_that_holds_it():
    plan = plan_for(clip(rotation=90))
    assert "rotate@clip1=a=1.570796:ow=90:oh=160:c=black@0" in chain_from(plan, "[0:v]")
    assert "overlay@clip1=x=35:y=-35:" in graph_of(plan)


# --- keyframes as commands ---------------------------------------------------------------------


def test_animated_location_is_a_per_frame_expression_changing_only_where_the_value_changes():
    plan = plan_for(clip(location_x=steps((1, 0), (11, 0.25), (21, 0.5))))
    # changes on source frames 11 and 21 = output frames 10 and 20, switched half a frame early; the overlay
    # evaluates it per frame itself, because a sendcmd ahead of an overlay can run ahead of the blending
    assert "overlay@clip1=x='if(lt(t,0.316667),0,if(lt(t,0.65),40,80))':y=0:eof_action=pass" in graph_of(plan)
    assert not any(path.endswith(".cmd") for path in plan.files)


def test_alpha_fade_is_a_command_on_each_frame_of_the_fade_and_none_after():
    plan = plan_for(clip(SMALL, alpha=linear((1, 0), (5, 1))))
    script = plan.files["/work/clip1.video.cmd"].splitlines()
    assert script == [
        "0.016667 lut@clip1 a val*0.25;", "0.050000 lut@clip1 a val*0.5;",
        "0.083333 lut@clip1 a val*0.75;", "0.116667 lut@clip1 a val;",
    ]
    assert "sendcmd=f=/work/clip1.video.cmd,scale@clip1=w=120:h=90,format=yuva420p,lut@clip1=a=val*0[" \
        in chain_from(plan, "[0:v]")


def test_fade_in_from_black_runs_the_darkening_only_during_the_fade():
    plan = plan_for(clip(alpha=linear((1, 0), (5, 1))))
    assert "eq@clip1bg1=contrast=0:brightness=-0.435547:saturation=0:enable='between(t,-0.016667,0.116667)'" \
        in chain_from(plan, "[0:v]")
    assert plan.files["/work/clip1bg1.video.cmd"].splitlines()[0] == \
        "0.016667 eq@clip1bg1 contrast 0.249023, eq@clip1bg1 brightness -0.32666, eq@clip1bg1 saturation 0.25;"


def test_keyframe_x_is_the_source_frame_number_including_the_trim():
    # the clip shows source frames 31.. from output frame 0; the step at source frame 40 lands on output frame 9
    plan = plan_for(clip(start=1.0, end=3.0, location_y=steps((1, 0), (40, 0.5))))
    assert "overlay@clip1=x=0:y='if(lt(t,0.283333),0,45)'" in graph_of(plan)


def test_animated_scale_sends_scale_commands_with_per_frame_evaluation():
    plan = plan_for(clip(scale_x=linear((1, 1), (3, 0.5))))
    assert "scale@clip1=w=160:h=90:eval=frame" in chain_from(plan, "[0:v]")
    commands = plan.files["/work/clip1.video.cmd"]
    assert commands == "0.016667 scale@clip1 w 120;\n0.050000 scale@clip1 w 80;\n"


def test_animated_rotation_uses_a_box_for_every_angle():
    plan = plan_for(clip(rotation=linear((1, 0), (31, 90))))
    assert "rotate@clip1=a=0:ow=184:oh=184:c=black@0" in chain_from(plan, "[0:v]")
    assert "rotate@clip1 a 1.570796;" in plan.files["/work/clip1.video.cmd"]


# --- images and audio --------------------------------------------------------------------------


def test_image_clip_is_scaled_once_then_looped_for_its_duration():
    chain = chain_from(plan_for(clip(STILL, position=1.0, end=2.0, scale_x=0.5)), "[0:v]")
    assert chain.startswith("[0:v]scale@clip1=w=80:h=90,loop=loop=59:size=1:start=0,settb=1/30,setpts=N+30[")


def test_image_fade_loops_first_and_animates_after():
    chain = chain_from(plan_for(clip(STILL, scale_x=0.5, alpha=linear((1, 0), (10, 1)))), "[0:v]")
    assert re.search(r"scale@clip1=w=80:h=90,format=yuva420p,loop=.*sendcmd=.*,lut@clip1=a=val\*0\[", chain)


def test_audio_is_cut_delayed_in_samples_and_summed_without_normalising():
    plan = plan_for(clip(position=0.5, start=0.3, end=1.0))
    chain = statement(plan, "clip1a")
    assert chain.startswith("[0:a]atrim=start=0.3:end=1,asetpts=PTS-STARTPTS,aformat=")
    assert "adelay=delays=22050S:all=1" in chain
    mix = statement(plan, "mix")
    assert "amix=inputs=2:normalize=0:duration=first" in mix
    assert "anullsrc=r=44100:cl=stereo,atrim=end_sample=52920" in graph_of(plan)


def test_volume_curve_becomes_asendcmd_commands_at_frame_boundaries():
    plan = plan_for(clip(volume=linear((1, 1), (3, 0))))
    chain = statement(plan, "clip1a")
    assert "asetnsamples=n=1470:p=0,asendcmd=f=/work/clip1.audio.cmd,volume@clip1=volume=1:eval=frame" in chain
    assert plan.files["/work/clip1.audio.cmd"] == "0.016667 volume@clip1 volume 0.5;\n0.050000 volume@clip1 volume 0;\n"


def test_audio_only_file_contributes_sound_and_no_picture():
    plan = plan_for(clip(SONG))
    assert "[0:a]" in graph_of(plan) and "[0:v]" not in graph_of(plan)


def test_has_audio_zero_mutes_and_has_video_zero_hides():
    plan = plan_for(clip(has_audio=0), clip(id=2, has_video=0))
    assert "[0:a]" not in graph_of(plan) and "[1:v]" not in graph_of(plan)


def test_video_without_any_sound_has_no_audio_stream():
    assert "-c:a" not in plan_for(clip(SMALL)).args


# --- effects -----------------------------------------------------------------------------------


def test_clip_effect_from_the_clip_json_becomes_a_filter_on_the_clip():
    blur = {"class_name": "Blur", "horizontal_radius": 2, "vertical_radius": 0, "iterations": 3}
    plan = plan_for(clip(effects=[blur]))
    assert "gblur@clip1bg1fx1=sigma=2.44949:sigmaV=0:steps=3" in chain_from(plan, "[0:v]")


def test_timeline_effect_applies_to_its_layer_within_its_time_span_only():
    effect = Effect(id=5, type="Negate", properties={}, layer=2, position=0.5, start=0.0, end=1.0)
    plan = plan_for(clip(id=1, layer=1), clip(SMALL, id=2, layer=2), effects=(effect,))
    assert "negate" not in chain_from(plan, "[0:v]")
    assert "negate@clip2fx1=enable='between(t,0.483333,1.483333)'" in chain_from(plan, "[1:v]")


def test_animated_effect_property_is_sent_as_commands():
    effect = Effect(id=1, type="Brightness", properties={"brightness": linear((1, 0), (3, 0.5))})
    plan = plan_for(Clip(id=1, media=SMALL, position=0, start=0, end=1, layer=1, properties={}, effects=(effect,)))
    assert "eq@clip1fx1=contrast=1.023621:brightness=0:saturation=1.023621" in chain_from(plan, "[0:v]")
    assert plan.files["/work/clip1.video.cmd"] == (
        "0.016667 eq@clip1fx1 brightness 0.25;\n0.050000 eq@clip1fx1 brightness 0.5;\n")


def test_caption_text_goes_through_a_side_file():
    plan = plan_for(clip(effects=[{"class_name": "Caption", "font_size": 6,
                                            "caption_text": "00:00.000 --> 00:01.000\nHi: [there], 'you'"}]))
    assert plan.files["/work/clip1bg1fx1-cue1.txt"] == "Hi: [there], 'you'"
    assert "drawtext@clip1bg1fx1c1=textfile=/work/clip1bg1fx1-cue1.txt:expansion=none" in chain_from(plan, "[0:v]")


def test_effect_catalog_lists_the_libopenshot_effects_with_property_ranges():
    catalog = {entry["class_name"]: entry for entry in effect_catalog()}
    assert {"Blur", "Brightness", "Caption", "ChromaKey", "Crop", "Hue", "Mask", "Negate", "Pixelate",
            "Saturation"} <= set(catalog)
    assert json.loads(json.dumps(effect_catalog())) == effect_catalog()
    radius = next(p for p in catalog["Blur"]["properties"] if p["name"] == "horizontal_radius")
    assert radius == {"name": "horizontal_radius", "label": "Horizontal Radius", "type": "float", "default": 6.0,
                      "min": 0.0, "max": 100.0, "keyframable": True, "description": ""}


# --- exports -----------------------------------------------------------------------------------


def test_video_export_uses_the_named_codec_preset_and_quality():
    plan = plan_for(clip(), preset="veryfast", video_bitrate="crf 23", video_format="matroska")
    args = " ".join(plan.args)
    assert "-c:v libx264 -pix_fmt yuv420p -preset veryfast -crf 23" in args
    assert "-f matroska /out/render.mp4" in args


@pytest.mark.parametrize("text, option_text", [
    ("8000000", "-b:v 8000000"), ("8.0 Mb/sec", "-b:v 8000000"), ("2500k", "-b:v 2500000"),
    ("qp 20", "-qp 20"), ("cqp 18", "-qp 18"),
])
def test_video_bitrate_accepts_bits_per_second_and_quality_forms(text, option_text):
    assert option_text in " ".join(plan_for(clip(), video_bitrate=text).args)


def test_audio_export_maps_only_the_mix():
    plan = plan_for(clip(), export_type="audio", video_format="mp3", audio_codec="libmp3lame")
    args = list(plan.args)
    assert args[args.index("-map") + 1].startswith("[mix_") and "-c:v" not in args and "-f" in args


def test_image_export_is_one_frame_at_the_start_frame():
    plan = plan_for(clip(), export_type="image", start_frame=12, image_format="jpg", image_quality=100)
    assert plan.frame_count == 1
    assert "trim=start_pts=11:end_pts=12" in chain_from(plan, "[0:v]")
    assert " ".join(plan.args).endswith("-frames:v 1 -update 1 -c:v mjpeg -q:v 2 -f image2 /out/render.mp4")


def test_image_sequence_numbers_files_by_timeline_frame_into_the_output_folder():
    plan = plan_for(clip(), export_type="image-sequence", start_frame=5, end_frame=9)
    assert plan.directories == ("/out/render.mp4",)
    assert " ".join(plan.args).endswith("-start_number 5 -c:v png -f image2 /out/render.mp4/frame-%05d.png")
    assert plan.frame_count == 5


def test_waveform_draws_the_mixed_audio_in_the_output_colours():
    plan = plan_for(clip(), export_type="waveform", wave_color="#ff0000", wave_background_color="#000080")
    graph = graph_of(plan)
    assert "showwavespic=s=160x90:colors=0xff0000" in graph
    assert "color=c=0x000080:s=160x90" in graph


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("timeline_args, output, message", [
    ((), {}, "no clips"),
    ((clip(),), {"start_frame": 500}, "past the end"),
    ((clip(),), {"start_frame": 30, "end_frame": 10}, "before the start"),
    ((clip(),), {"video_format": "webm"}, "cannot hold 'libx264'"),
    ((clip(),), {"width": 161}, "even width"),
    ((clip(),), {"video_bitrate": "fast please"}, "not a bitrate"),
    ((clip(),), {"video_bitrate": "crf 99"}, "out of range"),
    ((clip(),), {"export_type": "hologram"}, "not an export type"),
    ((clip(),), {"export_type": "image", "image_format": "psd"}, "image format"),
    ((clip(effects=[{"class_name": "Sparkle"}]),), {}, "'Sparkle'"),
    ((clip(alpha={"Points": "lots"}),), {}, "alpha"),
    ((clip(time=linear((1, 1), (60, 30))),), {}, "remaps time"),
    ((clip(shear_x=0.2),), {}, "shear_x"),
    ((clip(position=-1.0),), {}, "position"),
])
def test_timelines_that_cannot_render_are_refused_with_a_readable_reason(timeline_args, output, message):
    with pytest.raises(RenderError, match=re.escape(message)):
        plan_for(*timeline_args, **output)
