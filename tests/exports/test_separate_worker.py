"""The web server and a worker on "different machines": separate processes, separate data directories.

A real `manage.py serve` (the web side) and a real `manage.py rundramatiq`
(the worker), each with its own MONTAGE_DATA_DIR, share only the database,
the media storage (one MEDIA_ROOT) and a Redis broker. A project
thumbnail and an export requested through the API complete, and nothing
travels through either process's own disk. Redis is needed (an in-process
broker cannot reach another process): see `redis_url`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings as django_settings

from config.jobs.models import Job
from exports.models import Export
from tests.exports.test_crash_recovery import database_url
from tests.storage.conftest import free_port, wait_for_port

TIMEOUT = 120.0


def redis_url() -> str:
    """The Redis both processes use: DRAMATIQ_BROKER_URL's (CI's second pass), else one on 127.0.0.1:6379.

    Under CI a Redis that does not answer fails the test (`.ci/run` starts
    Redis before both passes); locally, without one, the test is skipped.
    """
    configured = os.environ.get("DRAMATIQ_BROKER_URL", "")
    required = configured.startswith("redis://")
    url = configured if required else "redis://127.0.0.1:6379/15"
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1.0):
            return url
    except OSError as error:
        reason = f"Redis is not reachable at {parts.hostname}:{parts.port or 6379} ({error})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI is set, so a Redis is required", pytrace=False)
        pytest.skip(reason)


def start(argv: list[str], env: dict, log_path) -> subprocess.Popen:
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "manage.py", *argv], env=env, cwd=django_settings.BASE_DIR,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)  # the whole group: rundramatiq's worker processes too
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def machines(transactional_db, user, tmp_path, isolated_media):
    """(base URL of the web server, its data dir, the worker's data dir); logs of both on failure."""
    broker_url = redis_url()
    shared = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
    shared.update({
        "DATABASE_URL": database_url(), "MEDIA_ROOT": str(isolated_media), "MEDIA_STORAGE": "local",
        "DRAMATIQ_BROKER_URL": broker_url, "DRAMATIQ_NAMESPACE": f"montage-separate-{uuid.uuid4().hex[:8]}",
        "MONTAGE_EMBEDDED": "1", "SECRET_KEY": "separate-machines-test-key", "PREVIEW_WAIT_SECONDS": "90",
        "PYTHONPATH": str(django_settings.BASE_DIR),
    })
    web_dir, worker_dir = tmp_path / "web-data", tmp_path / "worker-data"
    port = free_port()
    web = start(["serve", "--port", str(port), "--threads", "4", "--admin-username", "separate-admin"],
                {**shared, "MONTAGE_DATA_DIR": str(web_dir)}, tmp_path / "web.log")
    worker = start(["rundramatiq", "--processes", "1", "--threads", "2"],
                   {**shared, "MONTAGE_DATA_DIR": str(worker_dir)}, tmp_path / "worker.log")
    try:
        assert wait_for_port(port, timeout=60, process=web), (tmp_path / "web.log").read_text()[-3000:]
        yield f"http://127.0.0.1:{port}", web_dir, worker_dir
    except BaseException:
        for name in ("web.log", "worker.log"):
            print(f"--- {name}\n" + (tmp_path / name).read_text(errors="replace")[-4000:])
        raise
    finally:
        stop(web)
        stop(worker)


def call(session: requests.Session, method: str, url: str, status: int = 200, **kwargs):
    response = session.request(method, url, timeout=TIMEOUT, **kwargs)
    assert response.status_code == status, f"{method} {url}: {response.status_code} {response.text[:1000]}"
    return response


def test_a_thumbnail_and_an_export_complete_on_a_worker_in_another_process_and_data_dir(
        machines, user, video_path, isolated_media):
    base, web_dir, worker_dir = machines
    session = requests.Session()
    from config.tokens import token_create

    session.headers["Authorization"] = f"Token {token_create(user=user)[1]}"
    project = call(session, "POST", f"{base}/projects/", 201, json={"name": "Apart", "width": 160, "height": 90}).json()
    with open(video_path, "rb") as media:
        file = call(session, "POST", f"{base}/files/", 201, files={"media": media},
                    data={"project": project["url"], "json": "{}"}).json()
    call(session, "POST", f"{base}/clips/", 201, json={"file": file["url"], "project": project["url"], "position": 0.0,
                                                        "start": 0.0, "end": 1.0, "layer": 1})

    frame = call(session, "GET", f"{base}/projects/{project['id']}/thumbnail/",
                 params={"frame_number": 1, "width": 160, "height": 90, "image_format": "PNG"})
    assert frame.headers["Content-Type"] == "image/png" and frame.content.startswith(b"\x89PNG")
    job = Job.objects.get(kind="project-frame")
    assert job.status == "completed" and (isolated_media / job.result["storage_name"]).is_file()

    export = call(session, "POST", f"{base}/exports/", 201,
                  json={"project": project["url"], "json": {"preset": "ultrafast"}}).json()
    deadline = time.monotonic() + TIMEOUT
    while (current := call(session, "GET", export["url"]).json())["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, f"export still {current['status']}: {current}"
        time.sleep(0.2)
    assert current["status"] == "completed" and current["progress"] == 100.0, current["json"]
    assert current["output"].startswith(base)
    assert len(call(session, "GET", current["output"]).content) > 1000
    assert (isolated_media / Export.objects.get(pk=export["id"]).output.name).is_file()

    # Nothing went through a local folder: neither data directory holds a thumbnail or an output.
    for data_dir in (web_dir, worker_dir):
        leftovers = [p for p in data_dir.rglob("*") if p.is_file() and p.suffix in (".png", ".mp4")]
        assert leftovers == [], leftovers
