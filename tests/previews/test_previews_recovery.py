"""Never stuck: a killed preview worker's job is re-run and completes; the command makes what is missing."""

import io
import os
import signal
import subprocess
import sys
import time

import psutil
from django.conf import settings as django_settings
from django.core.management import call_command

from config.jobs.machine import job_sweep
from config.jobs.models import Job
from media_assets.previews.models import Rendition
from media_assets.previews.services import PREVIEWS_JOB
from tests import mediagen
from tests.exports.test_crash_recovery import database_url, wait_until
from tests.factories import create_project, ok, upload_file
from tests.previews.conftest import by_kind, running_worker, wait_for_previews

DOOMED_WORKER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from media_assets.previews.making import file_previews_make
file_previews_make(job_id=int(sys.argv[1]))
"""


def test_killed_preview_worker_leaves_no_ffmpeg_and_its_job_completes_after_restart(api, quiet_broker, media_dir):
    clip = mediagen.make_video(media_dir / "long-for-previews.mp4", seconds=40.0, width=1280, height=720)
    project = create_project(api)
    file = upload_file(api, project, clip)  # queued on the (not running) broker
    job = Job.objects.get(kind=PREVIEWS_JOB.name, target=f"media_assets.file:{file['id']}")
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
           "RENDER_LEASE_SECONDS": "2"}
    doomed = subprocess.Popen([sys.executable, "-c", DOOMED_WORKER, str(job.pk)], env=env,
                              cwd=django_settings.BASE_DIR)
    try:
        wait_until(lambda: Job.objects.filter(pk=job.pk, status="in-progress", progress__gt=0).exists(), 60,
                   "the doomed worker to start making previews")
        ffmpegs = wait_until(lambda: psutil.Process(doomed.pid).children(recursive=True), 10, "ffmpeg")
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(10)
        _gone, alive = psutil.wait_procs(ffmpegs, timeout=3)
        assert not alive, f"orphan ffmpeg left behind: {alive}"
    finally:
        if doomed.poll() is None:
            doomed.kill()
    assert ok(api.get(file["previews"]))["status"] == "processing"  # nobody knows yet
    time.sleep(2.5)  # the doomed worker's lease runs out
    quiet_broker.flush_all()  # the upload's own message: only the sweeper's re-queue may run it
    assert job.pk in job_sweep()[PREVIEWS_JOB.name]
    with running_worker():
        done = wait_for_previews(api, file["previews"], timeout=180)
    assert done["status"] == "ready", done
    assert Job.objects.get(pk=job.pk).attempts == 2
    assert api.get(by_kind(done)["proxy"]["url"]).status_code == 200


def test_a_file_deleted_before_its_job_runs_ends_the_job_quietly(api, quiet_broker, video_path):
    project = create_project(api)
    file = upload_file(api, project, video_path)
    job = Job.objects.get(kind=PREVIEWS_JOB.name, target=f"media_assets.file:{file['id']}")
    assert api.delete(file["url"]).status_code == 204
    with running_worker():
        wait_until(lambda: Job.objects.filter(pk=job.pk, status__in=["completed", "failed"]).exists(), 30, "the job")
    ended = Job.objects.get(pk=job.pk)
    assert ended.status == "completed" and ended.result == {"skipped": "the file was deleted"}


def test_previews_command_makes_missing_previews_with_a_summary(api, video_path, image_path):
    project = create_project(api)
    video = upload_file(api, project, video_path)  # `db`: no commit, so the ingest hook queued nothing
    image = upload_file(api, project, image_path)
    assert ok(api.get(video["previews"]))["status"] == "none"
    out = io.StringIO()
    call_command("previews", "--missing", stdout=out)
    printed = out.getvalue()
    assert "2/2" in printed and "2 file(s)" in printed and "ready" in printed
    assert ok(api.get(video["previews"]))["status"] == "ready"
    assert ok(api.get(image["previews"]))["status"] == "ready"
    out = io.StringIO()
    call_command("previews", "--missing", stdout=out)
    assert "No files need previews." in out.getvalue()
    call_command("previews", "--file", str(video["id"]), stdout=io.StringIO())
    assert Rendition.objects.filter(file_id=video["id"], status="ready").count() == 8
