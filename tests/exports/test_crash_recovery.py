"""A render whose worker process is killed outright is noticed, re-queued and completed."""

import os
import signal
import subprocess
import sys
import time

import psutil
from django.conf import settings as django_settings
from django.db import connection

from exports import services
from exports.models import Export
from tests.exports.conftest import running_worker, wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

DOOMED_WORKER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from exports.services import export_render
export_render(export_id=int(sys.argv[1]), worker=f"doomed:{os.getpid()}")
"""


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def test_sigkilled_worker_leaves_no_ffmpeg_and_its_render_completes_after_recovery(api, quiet_broker, video_path):
    project = create_project(api, width=640, height=360)
    file = upload_file(api, project, video_path)
    for index in range(15):  # a 30 s timeline: long enough to kill mid-render
        create_clip(api, project, file, position=index * 2.0, end=2.0)
    export = ok(api.post("/exports/", {"project": project["url"], "json": {"preset": "veryslow"}}, format="json"), 201)

    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
           "RENDER_LEASE_SECONDS": "2"}
    doomed = subprocess.Popen([sys.executable, "-c", DOOMED_WORKER, str(export["id"])], env=env,
                              cwd=django_settings.BASE_DIR)
    try:
        wait_until(lambda: Export.objects.filter(pk=export["id"], status="in-progress", progress__gt=0).exists(),
                   60, "the doomed worker to start rendering")
        ffmpegs = wait_until(lambda: psutil.Process(doomed.pid).children(recursive=True), 10, "ffmpeg")
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(10)
        gone, alive = psutil.wait_procs(ffmpegs, timeout=3)
        assert not alive, f"orphan ffmpeg left behind: {alive}"
    finally:
        if doomed.poll() is None:
            doomed.kill()

    assert Export.objects.get(pk=export["id"]).status == "in-progress"  # nobody knows yet
    time.sleep(2.5)  # the doomed worker's lease runs out
    ok(api.patch(export["url"], {"json": {"preset": "ultrafast"}}, format="json"))  # the re-run need not be slow
    assert services.export_sweep() == [export["id"]]
    with running_worker():
        done = wait_for_export(api, export)
    assert done["status"] == "completed" and done["progress"] == 100.0
    assert api.get(done["output"]).status_code == 200
