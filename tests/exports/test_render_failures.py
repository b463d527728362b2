"""Every render ends: a timeline the renderer cannot hold, or a bug, fails the export with its reason.

Clips at impossible times are made with the ORM (the API refuses them), as
a project loaded or migrated from elsewhere may still hold them.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from exports import services
from exports.services import rendering
from exports.models import Export
from projects.models import Clip
from tests.exports.conftest import running_worker, wait_for_export
from tests.exports.test_webhooks_and_recovery import (  # noqa: F401 - fixture
    Hook,
    hook_url,
    wait_for_webhook_answer,
)
from tests.factories import create_clip, create_project, ok, upload_file


@pytest.fixture
def far_clip(api, video_path):
    """A project whose only clip sits at position 1e308 seconds."""
    project = create_project(api, width=160, height=90)
    clip = create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    Clip.objects.filter(pk=clip["id"]).update(position=1e308)
    return project


class Captured(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def render_log():
    handler = Captured()
    logger = logging.getLogger("montage.render")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def test_clip_at_an_absurd_position_fails_the_export_with_the_reason_and_the_webhook(
        api, quiet_broker, video_path, hook_url):  # noqa: F811
    project = create_project(api, width=160, height=90)
    clip = create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    export = ok(api.post("/exports/", {"project": project["url"], "webhook": hook_url}, format="json"), 201)
    Clip.objects.filter(pk=clip["id"]).update(position=1e308)  # after the API checked the export
    with running_worker():
        done = wait_for_export(api, export, timeout=30)
    assert done["status"] == "failed"
    assert f"The position of clip {clip['id']} must be a number of seconds" in done["json"]["error"]
    assert wait_for_webhook_answer(api, export).startswith("200:")
    payload = json.loads(Hook.received[0][1])
    assert payload["id"] == export["id"] and payload["json"]["status"] == "failed"
    # a failed export is finished: the sweeper never sends it again
    assert services.export_sweep(now=timezone.now() + timedelta(hours=1)) == []
    assert ok(api.get(export["url"]))["status"] == "failed"


def test_an_unexpected_error_fails_the_export_as_a_montage_bug_logged_once(
        api, quiet_broker, video_path, monkeypatch, render_log, hook_url):  # noqa: F811
    project = create_project(api, width=160, height=90)
    create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    export = ok(api.post("/exports/", {"project": project["url"], "webhook": hook_url}, format="json"), 201)

    def broken(*args, **kwargs):
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(rendering, "build_render", broken)
    services.export_render(export_id=export["id"])  # returns: the actor has nothing left to retry

    done = ok(api.get(export["url"]))
    assert done["status"] == "failed"
    assert "unexpected error in Montage (OverflowError)" in done["json"]["error"]
    assert "bug in Montage" in done["json"]["error"]
    tracebacks = [record for record in render_log if record.exc_info]
    assert len(tracebacks) == 1 and tracebacks[0].exc_info[0] is OverflowError
    assert json.loads(Hook.received[0][1])["json"]["status"] == "failed"
    assert services.export_sweep(now=timezone.now() + timedelta(hours=1)) == []
    assert Export.objects.get(pk=export["id"]).status == "failed"


def test_validate_reports_a_clip_at_an_absurd_position(api, far_clip):
    report = ok(api.get(f"/projects/{far_clip['id']}/validate/"))
    assert report["valid"] is False
    problem = next(p for p in report["errors"] if p["field"] == "position")
    assert problem["object"].startswith("clip ") and "1e+308" in problem["detail"]


@pytest.mark.parametrize("request_body", [{"format": "xml"}, {"format": "edl", "json": {"layer": 1}},
                                          {"format": "otio"}])
def test_editorial_downloads_of_a_clip_at_an_absurd_position_are_400_saying_why(api, far_clip, request_body):
    response = api.post(f"/projects/{far_clip['id']}/download/format/", request_body, format="json")
    assert response.status_code == 400, response.content[:500]
    assert "position of 1e+308 seconds" in str(response.data)


def test_thumbnail_of_a_clip_at_an_absurd_position_is_400_saying_why(api, worker, far_clip):
    response = api.get(f"/projects/{far_clip['id']}/thumbnail/",
                       {"frame_number": 1, "width": 160, "height": 90, "image_format": "PNG"})
    assert response.status_code == 400, getattr(response, "data", response)
    assert "position of clip" in str(response.data)


def test_media_gone_from_storage_fails_the_export_without_showing_server_paths(
        api, quiet_broker, video_path, isolated_media, settings):
    project = create_project(api, width=160, height=90)
    file = upload_file(api, project, video_path)
    create_clip(api, project, file, end=1.0)
    for stored in [path for path in isolated_media.rglob("*") if path.is_file()]:
        stored.unlink()
    export = ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    with running_worker():
        done = wait_for_export(api, export, timeout=30)
    assert done["status"] == "failed"
    error = done["json"]["error"]
    assert "missing" in error and "unexpected" not in error
    assert str(isolated_media) not in error and str(settings.MEDIA_ROOT) not in error
