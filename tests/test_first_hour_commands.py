"""`manage.py exports` lists, retries and cancels renders (issue 13, finding 9); each command has --help text."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from exports.models import Export, ExportStatus
from tests.factories import create_project, ok

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


def run(*args) -> str:
    out = io.StringIO()
    call_command("exports", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def exports(api):
    project = create_project(api, name="Trailer", width=160, height=90)
    made = [ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201) for _ in range(3)]
    Export.objects.filter(pk=made[0]["id"]).update(status=ExportStatus.FAILED, json={"error": "ffmpeg exited 1"})
    Export.objects.filter(pk=made[1]["id"]).update(status=ExportStatus.FAILED, json={"error": "disk full"})
    return [Export.objects.get(pk=export["id"]) for export in made]


def test_exports_lists_the_newest_first_with_status_and_reason(exports):
    lines = run().splitlines()
    assert [int(line.split()[0]) for line in lines] == [export.pk for export in reversed(exports)]
    assert "failed" in lines[-1] and "ffmpeg exited 1" in lines[-1] and "project" in lines[-1] and "Trailer" in lines[-1]


def test_exports_filters_by_status(exports):
    listed = run("--status", "pending")
    assert str(exports[2].pk) in listed and "ffmpeg" not in listed
    assert run("--status", "completed") == "No completed exports.\n"


def test_retry_requeues_a_failed_export(exports):
    assert run("--retry", str(exports[0].pk)) == f"export {exports[0].pk} re-queued\n"
    exports[0].refresh_from_db()
    assert exports[0].status == ExportStatus.PENDING and exports[0].json["retries"] == 1


def test_retry_failed_requeues_every_failed_export(exports):
    assert "2 failed export(s) re-queued." in run("--retry-failed")
    assert not Export.objects.filter(status=ExportStatus.FAILED).exists()


def test_cancel_stops_a_pending_export(exports):
    run("--cancel", str(exports[2].pk))
    exports[2].refresh_from_db()
    assert exports[2].status == ExportStatus.FAILED and exports[2].json["error"] == "cancelled"


def test_a_wrong_state_or_id_is_a_command_error_with_the_reason(exports):
    with pytest.raises(CommandError, match="Only a failed export can be retried"):
        run("--retry", str(exports[2].pk))
    with pytest.raises(CommandError, match="No export 999999"):
        run("--cancel", "999999")


@pytest.mark.parametrize("command, words", [
    ("exports", ["--status", "--retry", "--retry-failed", "--cancel"]),
    ("workers", ["--json", "queue"]),
    ("serve", ["--no-worker", "--port"]),
])
def test_each_command_has_help_text(command, words):
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), command, "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for word in words:
        assert word in done.stdout
