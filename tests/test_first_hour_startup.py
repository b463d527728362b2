"""Start-up without a SECRET_KEY says what to do in one line; help works without it (issue 13, finding 1)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args: str, tmp_path) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items()
           if name not in ("SECRET_KEY", "MONTAGE_EMBEDDED", "DJANGO_SETTINGS_MODULE", "MONTAGE_SECRET_KEY_OPTIONAL")}
    env.update({"MONTAGE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_missing_secret_key_is_one_line_naming_both_fixes(tmp_path):
    for command in ("runserver", "check", "serve"):
        done = manage(command, tmp_path=tmp_path)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "SECRET_KEY=" in done.stderr and "MONTAGE_EMBEDDED=1" in done.stderr
        assert "./scripts/serve" in done.stderr


def test_help_works_without_a_secret_key_and_lists_montages_commands(tmp_path):
    done = manage("help", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    for command in ("serve", "exports", "workers", "rundramatiq"):
        assert f"    {command}\n" in done.stdout
    assert "settings are not properly configured" not in done.stdout
    assert manage("exports", "--help", tmp_path=tmp_path).returncode == 0
