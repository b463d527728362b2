"""Segment-parallel renders through the API: split, rendered as separate jobs, joined frame-exactly."""

import os
import signal
import subprocess
import sys
import time

import av
import numpy
import psutil
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage

from config.jobs.machine import job_sweep
from config.jobs.models import Job
from exports import services
from exports.models import Export
from exports.services import segments
from tests.exports.conftest import running_worker, wait_for_export
from tests.exports.test_crash_recovery import database_url, wait_until
from tests.factories import create_clip, create_project, ok, upload_file
from tests.mediagen import frame_indices, make_frame_coded_video

DOOMED_SEGMENT = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from config.jobs.machine import job_run
from exports.services import segments
job_run(kind=segments.SEGMENT_KIND, pk=int(sys.argv[1]), work=segments._segment_work, worker=f"doomed:{os.getpid()}")
"""


@pytest.fixture
def coded(tmp_path_factory):
    """3 s of frame-coded video (each frame shows its index) with a continuous 440 Hz sine."""
    return make_frame_coded_video(tmp_path_factory.mktemp("segments") / "coded.mp4", seconds=3.0, width=320,
                                  height=192)


@pytest.fixture
def timeline(api, coded, settings):
    settings.RENDER_SEGMENT_SECONDS = 1.0
    project = create_project(api, name="Long", width=320, height=192, fps_num=30, fps_den=1)
    create_clip(api, project, upload_file(api, project, coded), position=0.0, start=0.0, end=3.0)
    return project


def export(api, project, status=201, **json):
    json.setdefault("smart", False)  # a cut-only timeline would render smart (docs/rendering.md)
    return ok(api.post("/exports/", {"project": project["url"], "json": json}, format="json"), status)


def segment_jobs(export_id):
    return sorted(Job.objects.filter(kind=segments.SEGMENT_KIND, target=f"exports.export:{export_id}"),
                  key=lambda job: job.params["index"])


def stored_pieces(export_id):
    try:
        return default_storage.listdir(f"segments/{export_id}")[1]
    except FileNotFoundError:
        return []


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["many", 0, 65, True, 1.5, None])
def test_a_bad_json_segments_is_a_400_naming_it(api, value):
    project = create_project(api, name="P", width=160, height=96)
    response = api.post("/exports/", {"project": project["url"], "json": {"segments": value}}, format="json")
    assert response.status_code == 400 and "json.segments" in str(response.data["json"])


def test_three_segments_join_frame_exact_with_continuous_sound(api, worker, timeline):
    done = wait_for_export(api, export(api, timeline))  # "auto": 3 s > 1.5 × 1 s, in segments of 1 s
    assert done["status"] == "completed", done["json"].get("error")
    record = done["json"]["segment_render"]
    assert record["count"] == 3 and record["phase"] == "joined"
    assert [(part["first"], part["last"], part["frames"]) for part in record["segments"]] == [
        (1, 30, 30), (31, 60, 30), (61, 90, 30)]
    assert all(part["worker"] and part["seconds"] > 0 for part in record["segments"]) and record["audio"]["worker"]
    assert done["json"]["render_speed"] > 0 and done["progress"] == 100.0
    assert stored_pieces(done["id"]) == []  # the pieces are gone after the join

    path = Export.objects.get(pk=done["id"]).output.path
    assert frame_indices(path) == list(range(90))  # no frame missing or doubled at either boundary
    with av.open(path) as container:
        assert container.streams.video[0].frames in (0, 90)
        samples = numpy.concatenate([frame.to_ndarray().reshape(-1, frame.samples)[0]
                                     for frame in container.decode(audio=0)])
    assert abs(len(samples) / 44100 - 3.0) < 0.05
    body = samples[2048:-2048]  # away from the encoder's priming and the fade-out of the last frame
    peak = numpy.abs(body).max()
    assert peak > 0.05
    # a gap or a click at a join would jump far more than a 440 Hz sine moves between two samples
    assert numpy.abs(numpy.diff(body)).max() < 1.3 * peak * 2 * numpy.pi * 440 / 44100


def test_segments_false_renders_in_one_piece(api, worker, timeline):
    done = wait_for_export(api, export(api, timeline, segments=False))
    assert done["status"] == "completed" and "segment_render" not in done["json"]
    assert segment_jobs(done["id"]) == []


def test_progress_is_the_frame_weighted_sum(api, quiet_broker, timeline):
    made = export(api, timeline, segments=4)
    services.export_render(export_id=made["id"])  # splits, and hands out 4 segments (22, 23, 22, 23 frames)
    jobs = [job for job in segment_jobs(made["id"]) if job.params["part"] == "video"]
    assert [job.params["last"] - job.params["first"] + 1 for job in jobs] == [22, 23, 22, 23]
    for job, progress in zip(jobs, (100.0, 50.0, 0.0, 20.0)):
        Job.objects.filter(pk=job.pk).update(progress=progress)
    segments._parent_progress(made["id"], 0)
    assert Export.objects.get(pk=made["id"]).progress == round((2200 + 1150 + 460) / 90 * 0.99, 1)


def test_cancel_cancels_every_segment_and_kills_its_ffmpeg(api, quiet_broker, timeline):
    made = export(api, timeline, segments=3, preset="veryslow")
    services.export_render(export_id=made["id"])
    jobs = segment_jobs(made["id"])
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(django_settings.MEDIA_ROOT)}
    runner = subprocess.Popen([sys.executable, "-c", DOOMED_SEGMENT, str(jobs[1].pk)], env=env,
                              cwd=django_settings.BASE_DIR)
    try:
        ffmpegs = wait_until(lambda: [p for p in psutil.Process(runner.pid).children(recursive=True)
                                      if "ffmpeg" in p.name()], 60, "the segment's ffmpeg")
        ok(api.post(f"/exports/{made['id']}/cancel/"))
        runner.wait(15)
        gone, alive = psutil.wait_procs(ffmpegs, timeout=3)
        assert not alive
    finally:
        if runner.poll() is None:
            runner.kill()
    current = Export.objects.get(pk=made["id"])
    assert current.status == "failed" and current.json["error"] == "cancelled"
    assert {(job.status, job.error) for job in segment_jobs(made["id"])} == {("failed", "cancelled")}
    assert stored_pieces(made["id"]) == []


def test_a_killed_segment_worker_reruns_that_segment_alone(api, quiet_broker, timeline):
    made = export(api, timeline, segments=3, preset="veryslow")
    services.export_render(export_id=made["id"])
    doomed_job = segment_jobs(made["id"])[1]
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
           "RENDER_LEASE_SECONDS": "2"}
    doomed = subprocess.Popen([sys.executable, "-c", DOOMED_SEGMENT, str(doomed_job.pk)], env=env,
                              cwd=django_settings.BASE_DIR)
    try:
        wait_until(lambda: [p for p in psutil.Process(doomed.pid).children(recursive=True)
                            if "ffmpeg" in p.name()], 60, "the doomed segment's ffmpeg")
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    time.sleep(2.5)  # its lease runs out
    assert job_sweep()[segments.SEGMENT_KIND] == [doomed_job.pk]  # that segment alone
    with running_worker():
        done = wait_for_export(api, made, timeout=120)
    assert done["status"] == "completed", done["json"].get("error")
    attempts = {job.params["index"]: job.attempts for job in segment_jobs(made["id"])}
    assert attempts == {0: 1, 1: 2, 2: 1, 3: 1}  # index 3 is the sound
    assert frame_indices(Export.objects.get(pk=made["id"]).output.path) == list(range(90))
