"""A real Dramatiq worker for render tests, on whatever broker the settings name.

The embedded (stub) broker by default; Redis in CI's second pass. Render
tests use `transactional_db` so the worker's threads see committed rows
and `on_commit` queueing really happens.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import dramatiq
import pytest

import exports.tasks  # noqa: F401 - registers the actors on the broker
from tests.factories import ok


@contextmanager
def running_worker():
    """A Dramatiq worker with two threads on the configured broker, stopped on exit."""
    running = dramatiq.Worker(dramatiq.get_broker(), worker_threads=2, worker_timeout=100)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def quiet_broker(transactional_db, settings):
    """An empty broker, and no periodic sweeper: tests call the sweeper themselves."""
    settings.RENDER_SWEEP_SECONDS = 3600
    broker = dramatiq.get_broker()
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.fixture
def worker(quiet_broker):
    with running_worker() as running:
        yield running


def wait_for_export(api, export: dict, *, statuses=("completed", "failed"), timeout: float = 90.0) -> dict:
    """Poll the export like a client until it reaches one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        current = ok(api.get(export["url"]))
        if current["status"] in statuses:
            return current
        assert time.monotonic() < deadline, f"export still {current['status']} after {timeout} s: {current}"
        time.sleep(0.1)
