"""A real Dramatiq worker for preview tests (the embedded broker, or Redis in CI's second pass)."""

from __future__ import annotations

import time

import pytest

import media_assets.tasks  # noqa: F401 - registers the previews actor on the broker
from tests.exports.conftest import quiet_broker, running_worker, worker  # noqa: F401 - one worker for every job test
from tests.factories import ok


@pytest.fixture(autouse=True)
def previews_on_ingest(settings):
    settings.PREVIEWS_ON_INGEST = True


@pytest.fixture(autouse=True)
def streamed_downloads(settings):
    settings.MEDIA_DOWNLOAD_REDIRECT = False


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
