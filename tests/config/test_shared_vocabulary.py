"""One definition per concept: what `projects` validates with is what the renderer reads.

The shared definitions live in `config.media` (pure); where two must stay
apart (a Django model's choices and the pure renderer's constants, a
serializer's field limit), they are pinned equal here.
"""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path

import pytest

from config.media import effects as shared_effects
from config.media import timeline as shared
from config.media.captions import MAX_CAPTION_CHARACTERS
from exports.models import ExportType as StoredExportType
from exports.renderer import Clip, Media, Output, Timeline, timeline_frame_count
from exports.renderer import effects as renderer_effects
from exports.renderer import keyframes, properties, timeline
from exports.renderer.errors import RenderError
from projects import animation
from projects import properties as api_properties
from projects.api.action_serializers import CaptionsSerializer

ROOT = Path(__file__).resolve().parents[2]
STILL = Media(path="still.png", media_type="image", has_video=True, has_audio=False, width=16, height=9)


def test_the_api_and_the_renderer_name_the_same_enumerations_and_limits():
    assert api_properties.MAX_TIMELINE_SECONDS == timeline.MAX_TIMELINE_SECONDS == 7 * 86400
    assert api_properties.Interpolation is shared.Interpolation
    assert animation.Gravity is shared.Gravity and animation.ScaleMode is shared.ScaleMode
    assert timeline.Gravity is shared.Gravity and timeline.ScaleMode is shared.ScaleMode
    assert keyframes.Interpolation is shared.Interpolation
    assert keyframes.DEFAULT_HANDLE_LEFT == shared.DEFAULT_HANDLE_LEFT


def test_the_renderer_reads_curves_with_the_apis_defaults():
    for name, default in properties.READ_CURVE_DEFAULTS.items():
        assert default == shared.CLIP_CURVE_DEFAULTS[name]
    assert api_properties.CLIP_CURVE_DEFAULTS is shared.CLIP_CURVE_DEFAULTS


@pytest.mark.parametrize("name", ["scale", "gravity"])
def test_every_choice_the_api_accepts_the_renderer_reads(name):
    for value in shared.CLIP_CHOICES[name]:
        assert api_properties.clip_json_errors({name: int(value)}) == []
        clip = Clip(id=1, media=STILL, position=0.0, start=0.0, end=1.0, layer=1, properties={name: int(value)})
        assert getattr(properties.clip_properties(clip), name) == value


def test_a_clip_at_the_apis_limits_is_renderable():
    """position, start and end each at most a week, as the API allows: the renderer takes it (ends at two weeks)."""
    limit = shared.MAX_TIMELINE_SECONDS
    clip = Clip(id=1, media=STILL, position=limit, start=0.0, end=limit, layer=1, properties={})
    output = Output(width=16, height=10, fps=Fraction(1, 1))
    assert timeline_frame_count(Timeline(clips=(clip,), effects=(), output=output)) == 2 * limit
    past = Clip(id=1, media=STILL, position=limit + 1, start=0.0, end=1.0, layer=1, properties={})
    with pytest.raises(RenderError, match="position of clip 1"):
        timeline_frame_count(Timeline(clips=(past,), effects=(), output=output))


def test_json_the_api_writes_holds_plain_ints_not_enum_members():
    complete = api_properties.clip_json_complete({})
    assert type(complete["scale"]) is int and type(complete["gravity"]) is int
    assert type(complete["alpha"]["Points"][0]["interpolation"]) is int


def test_the_renderer_draws_exactly_the_effects_the_api_knows():
    assert set(renderer_effects.TRANSLATORS) == set(shared_effects.EFFECT_KINDS) == set(renderer_effects.EFFECTS)


@pytest.mark.parametrize("kind", sorted(shared_effects.EFFECT_KINDS))
def test_an_effects_json_defaults_are_the_renderers(kind):
    assert api_properties.effect_json_complete(kind, {}) == renderer_effects.EFFECTS[kind].json_defaults()
    assert renderer_effects.EFFECTS[kind].defaults == shared_effects.EFFECT_KINDS[kind].defaults


def test_an_unknown_effect_has_no_defaults():
    assert api_properties.effect_json_complete("NoSuchEffect", {"a": 1}) == {"a": 1}


def test_nothing_fills_the_apis_tables_at_start_up():
    """exports.apps once filled projects.properties' effect defaults in ready(); the table is shared now."""
    tree = ast.parse((ROOT / "exports" / "apps.py").read_text())
    assert not any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith("projects.properties")
                   for node in ast.walk(tree))
    assert not hasattr(api_properties, "EFFECT_JSON_DEFAULTS")


def test_the_renderer_export_types_are_the_stored_ones():
    assert set(timeline.ExportType.ALL) == set(StoredExportType.values)


def test_the_captions_body_is_limited_like_a_clips_captions():
    assert CaptionsSerializer().fields["caption_text"].max_length == MAX_CAPTION_CHARACTERS


def test_the_shared_vocabulary_imports_no_django():
    for path in (ROOT / "config" / "media").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(name.split(".")[0] in ("django", "rest_framework") for name in names), path
