"""Advanced merge instructions, checked against positions worked out by hand."""

from __future__ import annotations

import json
import os

import pytest

from media_assets.models import File
from projects.models import Clip, Effect
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(api, image_path):
    """A main project (layer 1: A 0-5 s, B 5-8 s) and a template (t1 0-2 s on 1, t2 2-3.5 s on 2, effect 1-2 s on 1)."""
    main = create_project(api, name="Main")
    main_still = upload_file(api, main, image_path)
    a = create_clip(api, main, main_still, position=0.0, start=0.0, end=5.0, layer=1)
    b = create_clip(api, main, main_still, position=5.0, start=0.0, end=3.0, layer=1)
    template = create_project(api, name="Scene")
    still = upload_file(api, template, image_path)
    t1 = create_clip(api, template, still, position=0.0, start=0.0, end=2.0, layer=1)
    t2 = create_clip(api, template, still, position=2.0, start=0.5, end=2.0, layer=2)
    e1 = ok(api.post("/effects/", {"project": template["url"], "type": "Negate", "position": 1.0, "start": 0.0,
                                   "end": 1.0, "layer": 1}, format="json"), 201)
    return {"main": main, "template": template, "a": a, "b": b, "t1": t1, "t2": t2, "e1": e1}


def _merged(project_id: int) -> dict:
    items = {c.json["original_merge_id"]: (c.position, c.layer) for c in Clip.objects.filter(project_id=project_id)
             if "original_merge_id" in c.json}
    items.update({("effect", e.json["original_merge_id"]): (e.position, e.layer)
                  for e in Effect.objects.filter(project_id=project_id)})
    return items


def test_instructions_apply_in_order_to_hand_computed_positions(api, scene):
    s = scene
    instructions = [
        # every merged item moves together so the first (t1 at 0 s) starts 1 s before B ends (8 s): +7 s
        {"source": "all", "source_type": "all", "source_attribute": "first:position",
         "target": s["b"]["id"], "target_type": "clip", "target_attribute": "end-position", "offset": -1},
        # t2 ends 3 s after t1 (merged, matched by its original id) ends: t1 ends at 7 + 2 = 9, so t2 ends at 12
        {"source": s["t2"]["id"], "source_type": "clip", "source_attribute": "end-position",
         "target": s["t1"]["id"], "target_type": "clip", "target_attribute": "end-position", "offset": 3},
        # the effect starts where layer 1 of the main project ends (B at 8 s)
        {"source": s["e1"]["id"], "source_type": "effect", "source_attribute": "position",
         "target": 1, "target_type": "layer", "target_attribute": "last:end-position", "offset": 0},
        # what was on the template's layer 2 goes 4 layers above A's layer
        {"source": 2, "source_type": "layer", "source_attribute": "layer",
         "target": s["a"]["id"], "target_type": "clip", "target_attribute": "layer", "offset": 4},
    ]
    ok(api.post(f"/projects/{s['main']['id']}/merge/",
                {"project": s["template"]["id"], "position": 0, "layer": 0, "json": instructions}, format="json"))

    assert _merged(s["main"]["id"]) == {
        s["t1"]["id"]: (7.0, 1),
        s["t2"]["id"]: (12.0 - 1.5, 5),
        ("effect", s["e1"]["id"]): (8.0, 1),
    }


def test_offsets_apply_before_the_instructions(api, scene):
    s = scene
    instructions = [{"source": s["t2"]["id"], "source_type": "clip", "source_attribute": "start",
                     "target": s["a"]["id"], "target_type": "clip", "target_attribute": "position", "offset": 1.25}]
    ok(api.post(f"/projects/{s['main']['id']}/merge/",
                {"project": s["template"]["id"], "position": 2.5, "layer": 10, "json": instructions}, format="json"))

    t2 = Clip.objects.get(project_id=s["main"]["id"], json__original_merge_id=s["t2"]["id"])
    assert (t2.position, t2.start, t2.end, t2.layer) == (4.5, 1.25, 2.0, 12)
    assert _merged(s["main"]["id"])[s["t1"]["id"]] == (2.5, 11)


def test_instructions_may_be_an_escaped_json_string_in_a_form_post(api, scene):
    s = scene
    instructions = [{"source": "", "source_type": "all", "source_attribute": "last:end-position",
                     "target": s["a"]["id"], "target_type": "clip", "target_attribute": "end-position", "offset": 0}]
    ok(api.post(f"/projects/{s['main']['id']}/merge/",
                {"project": s["template"]["url"], "json": json.dumps(instructions)}))
    # the last merged item to end is t2 (3.5 s); everything moves by 5 - 3.5
    assert _merged(s["main"]["id"])[s["t1"]["id"]] == (1.5, 1)


def _media_files(root) -> set[str]:
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


@pytest.mark.parametrize("instruction, message", [
    ({"source": 999999, "source_type": "clip", "source_attribute": "position",
      "target": "A", "target_type": "clip", "target_attribute": "position"}, "no merged clip matches source"),
    ({"source": "all", "source_type": "all", "source_attribute": "position",
      "target": 999999, "target_type": "clip", "target_attribute": "end-position"}, "has no clip"),
    ({"source": "all", "source_type": "all", "source_attribute": "position",
      "target": 7, "target_type": "layer", "target_attribute": "position"}, "has no layer"),
    ({"source": "all", "source_type": "everything", "source_attribute": "position",
      "target": 1, "target_type": "layer", "target_attribute": "position"}, "source_type"),
    ({"source": "all", "source_type": "all", "source_attribute": "middle",
      "target": 1, "target_type": "layer", "target_attribute": "position"}, "first:end-position"),
    ({"source": "all", "source_type": "all", "source_attribute": "position",
      "target": 1, "target_type": "layer", "target_attribute": "position", "offset": -100}, "before 0 s"),
])
def test_an_instruction_that_names_nothing_or_breaks_a_rule_merges_nothing(api, scene, isolated_media, instruction, message):
    s = scene
    if instruction["target"] == "A":
        instruction = {**instruction, "target": s["a"]["id"]}
    before = _media_files(isolated_media)
    response = api.post(f"/projects/{s['main']['id']}/merge/",
                        {"project": s["template"]["id"], "json": [instruction]}, format="json")

    assert response.status_code == 400, response.data
    assert message in str(response.data)
    assert Clip.objects.filter(project_id=s["main"]["id"]).count() == 2
    assert File.objects.filter(project_id=s["main"]["id"]).count() == 1
    assert _media_files(isolated_media) == before


def test_a_failure_after_media_was_copied_deletes_that_media(api, scene, isolated_media, monkeypatch):
    s = scene
    before = _media_files(isolated_media)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Clip.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        api.post(f"/projects/{s['main']['id']}/merge/", {"project": s["template"]["id"]}, format="json")
    assert _media_files(isolated_media) == before
