"""`scripts/serve` installs only when pyproject.toml changed, quietly (finding 8); requests are logged (finding 9)."""

import logging
import os
import shutil
import subprocess
from pathlib import Path

from django.http import HttpResponse
from django.test import RequestFactory

from config.request_log import RequestLogMiddleware

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/usr/bin/env bash
# Stands in for .venv/bin/python: records pip and manage.py calls, runs the stamp's hashing for real.
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "pip PYTHONWARNINGS=${PYTHONWARNINGS:-} $*" >> calls; exit 0; fi
if [ "$1" = "manage.py" ]; then echo "manage.py $*" >> calls; exit 0; fi
exec python3 "$@"
"""


def fake_checkout(tmp_path) -> Path:
    checkout = tmp_path / "montage"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "serve", checkout / "scripts" / "serve")
    shutil.copy(ROOT / "pyproject.toml", checkout / "pyproject.toml")
    bin_dir = checkout / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    return checkout


def serve(checkout: Path) -> list[str]:
    calls = checkout / "calls"
    calls.unlink(missing_ok=True)
    done = subprocess.run(["bash", str(checkout / "scripts" / "serve"), "--port", "1"], cwd=checkout,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONWARNINGS": ""})
    assert done.returncode == 0, done.stderr
    return calls.read_text().splitlines()


def test_serve_installs_once_and_again_only_when_pyproject_changes(tmp_path):
    checkout = fake_checkout(tmp_path)
    first = serve(checkout)
    assert len(first) == 2 and first[0].startswith("pip PYTHONWARNINGS=ignore") and "--quiet" in first[0]
    assert "--upgrade pip" not in first[0] and first[1] == "manage.py manage.py serve --port 1"
    assert serve(checkout) == ["manage.py manage.py serve --port 1"]  # the restart: no pip at all
    with open(checkout / "pyproject.toml", "a") as pyproject:
        pyproject.write("\n# a new dependency\n")
    assert serve(checkout)[0].startswith("pip ")


def test_each_request_is_one_log_line_with_method_path_status_time_and_user(settings, caplog, django_user_model):
    settings.MONTAGE_REQUEST_LOG = True
    middleware = RequestLogMiddleware(lambda request: HttpResponse(status=201))
    request = RequestFactory().post("/projects/?secret=1")
    request.user = django_user_model(username="ann")
    with caplog.at_level(logging.INFO, logger="montage.http"):
        middleware(request)
    (record,) = caplog.records
    method, path, status, ms, unit, user = record.getMessage().split()
    assert (method, path, status, unit, user) == ("POST", "/projects/", "201", "ms", "ann") and ms.isdigit()


def test_the_request_log_is_off_outside_serve(settings):
    import pytest
    from django.core.exceptions import MiddlewareNotUsed

    settings.MONTAGE_REQUEST_LOG = False
    with pytest.raises(MiddlewareNotUsed):
        RequestLogMiddleware(lambda request: HttpResponse())
