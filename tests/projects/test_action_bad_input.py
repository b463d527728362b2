"""Whatever a client sends to the interchange and animation actions, the answer is a 4xx, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.factories import create_clip, create_project, upload_file

pytestmark = pytest.mark.django_db

OTIO_CLIP_WITHOUT_MEDIA = {"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
    {"OTIO_SCHEMA": "Track.1", "kind": "Video", "children": [
        {"OTIO_SCHEMA": "Clip.2", "name": "x", "source_range": None, "media_references": {},
         "active_media_reference_key": "DEFAULT_MEDIA"}]}]}}
OTIO_ZERO_RATE = {"OTIO_SCHEMA": "Timeline.1", "tracks": {"OTIO_SCHEMA": "Stack.1", "children": [
    {"OTIO_SCHEMA": "Track.1", "kind": "Video", "children": [
        {"OTIO_SCHEMA": "Clip.2", "name": "x", "active_media_reference_key": "DEFAULT_MEDIA",
         "source_range": {"OTIO_SCHEMA": "TimeRange.1",
                          "start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 0, "value": 5},
                          "duration": {"OTIO_SCHEMA": "RationalTime.1", "rate": 0, "value": 5}},
         "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ExternalReference.1", "target_url": "x.mp4"}}}]}]}}

BODIES = [
    ("clip", "keyframes", {"property": "alpha", "position_in_seconds": 0, "value": "nan"}),
    ("clip", "keyframes", {"property": "alpha", "position_in_seconds": "inf", "value": 1}),
    ("clip", "keyframes", {"property": ["alpha"], "position_in_seconds": 0, "value": 1}),
    ("clip", "presets", {"preset": "Fade In", "length_in_seconds": "nan"}),
    ("clip", "presets", {"preset": None}),
    ("clip", "captions", {"caption_text": ["x"]}),
    ("project", "merge", {"project": "SELF", "json": "[{"}),
    ("project", "merge", {"project": "abc"}),
    ("project", "merge", {"project": "SELF", "position": "nan"}),
    ("project", "merge", {"project": "OTHER", "json": [1, 2]}),
    ("project", "merge", {"project": "OTHER", "json": {"instructions": "all"}}),
    ("project", "load", {"json": "[]"}),
    ("project", "load", {"json": {"OTIO_SCHEMA": 5}}),
    ("project", "load", {"json": {"unrelated": True}}),
    ("project", "load", {"json": {"files": [{"id": {"a": 1}, "path": "x"}]}}),
    ("project", "load", '{"json": {"clips": [{"file_id": "1", "end": 1e400}], "files": [{"id": "1", "path": "x"}]}}'),
    ("project", "load", '{"json": {"fps": {"num": NaN, "den": 1}}}'),
    ("project", "load", {"json": OTIO_CLIP_WITHOUT_MEDIA}),
    ("project", "load", {"json": OTIO_ZERO_RATE}),
    ("project", "load", {"archive": "not a file"}),
    ("project", "download/format", {"format": "xml", "json": "[1]"}),
    ("project", "files/find", {"position_in_seconds": "nan"}),
    ("project", "title", {"text": "x", "font_size": "nan"}),
    ("project", "title", {"text": "x" * 3000}),
    ("project", "copy", {"name": "x" * 300}),
    ("file", "copy", {"project": "http://elsewhere.example/projects/999/"}),
    ("file", "text-replace", {"search": "x", "replace": None}),
]


@pytest.fixture
def objects(api, image_path):
    project = create_project(api, name="Target")
    other = create_project(api, name="Other")
    file = upload_file(api, project, image_path)
    clip = create_clip(api, project, file, end=2.0)
    return {"project": project, "other": other, "file": file, "clip": clip}


@pytest.mark.parametrize("kind, action, body", BODIES)
def test_bad_bodies_are_400s(api, objects, kind, action, body):
    url = f"/{kind}s/{objects[kind]['id']}/{action}/"
    if isinstance(body, dict) and body.get("project") in ("SELF", "OTHER"):
        body = {**body, "project": objects["project" if body["project"] == "SELF" else "other"]["id"]}
    if isinstance(body, str):
        response = api.post(url, data=body, content_type="application/json")
    else:
        response = api.post(url, json.loads(json.dumps(body)), format="json")
    assert response.status_code == 400, (response.status_code, getattr(response, "data", None))
