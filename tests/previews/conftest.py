"""A real Dramatiq worker for preview tests (the embedded broker, or Redis in CI's second pass)."""

from __future__ import annotations

import time
from contextlib import contextmanager

import dramatiq
import pytest

import media_assets.tasks  # noqa: F401 - registers the previews actor on the broker
from tests.factories import ok


@pytest.fixture(autouse=True)
def previews_on_ingest(settings):
    settings.PREVIEWS_ON_INGEST = True


@contextmanager
def running_worker():
    running = dramatiq.Worker(dramatiq.get_broker(), worker_threads=2, worker_timeout=100)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def quiet_broker(transactional_db, settings):
    settings.RENDER_SWEEP_SECONDS = 3600
    settings.MEDIA_DOWNLOAD_REDIRECT = False
    broker = dramatiq.get_broker()
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.fixture
def worker(quiet_broker):
    with running_worker() as running:
        yield running


def wait_for_previews(api, url: str, *, statuses=("ready", "failed"), timeout: float = 90.0) -> dict:
    """Poll a previews URL like a client until its overall status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        current = ok(api.get(url))
        if current["status"] in statuses:
            return current
        assert time.monotonic() < deadline, f"previews still {current['status']} after {timeout} s: {current}"
        time.sleep(0.1)


def by_kind(previews: dict) -> dict[str, dict]:
    return {entry["kind"]: entry for entry in previews["previews"]}
