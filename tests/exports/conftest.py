"""A real Dramatiq worker for render tests, on whatever broker the settings name.

The embedded (stub) broker by default; Redis in CI's second pass. Render
tests use `transactional_db` so the worker's threads see committed rows
and `on_commit` queueing really happens.
"""

from __future__ import annotations

import time

import dramatiq
import pytest

import exports.tasks  # noqa: F401 - registers the actors on the broker
from tests.factories import ok


@pytest.fixture
def worker(transactional_db, settings):
    settings.RENDER_SWEEP_SECONDS = 3600  # tests call the sweeper themselves
    broker = dramatiq.get_broker()
    broker.flush_all()
    running = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    running.start()
    yield running
    running.stop()
    broker.flush_all()


def wait_for_export(api, export: dict, *, statuses=("completed", "failed"), timeout: float = 90.0) -> dict:
    """Poll the export like a client until it reaches one of `statuses`."""
    deadline = time.monotonic() + timeout
    while True:
        current = ok(api.get(export["url"]))
        if current["status"] in statuses:
            return current
        assert time.monotonic() < deadline, f"export still {current['status']} after {timeout} s: {current}"
        time.sleep(0.1)
