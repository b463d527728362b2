"""The README runs as written: its sessions against a server started as its first command starts one.

What runs, and how:

- The server is `./scripts/serve` itself (the README's first command), with a
  free port, a scratch `MONTAGE_DATA_DIR`, and the broker and database the
  test run uses (CI's second pass: PostgreSQL, in a scratch database of its
  own, and Redis, in a namespace of its own). It prints the admin password.
- Every fenced block marked ```sh runs, in README order, as one bash script
  with `set -euo pipefail`, in a scratch folder holding the media the
  README names (`intro.mp4`, `interview.mov`, made here with ffmpeg). Two
  substitutions, both said in the README: `THE-PASSWORD` becomes the printed
  password, `http://127.0.0.1:8000` the server's address. `python` is the
  virtualenv's (the test run's own interpreter).
- Indented blocks are never run: they are commands to start a server
  (`./scripts/serve`, `./scripts/test`, the webhook receiver set-up) or
  sample output.
- `curl` is a shim that runs the real curl with `--fail-with-body -sS`, so
  an HTTP error status fails its command (and shows the server's answer),
  and that fails on an error body in a 2xx answer: a JSON object whose
  `status` is "failed", or whose `json` carries `error` or `warning`.
- The script must finish within SESSION_TIMEOUT (renders included: the
  README polls them); the server must say "Montage stopped." on Ctrl-C.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.mediagen import ffmpeg_binary, make_video

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
README_ADDRESS = "http://127.0.0.1:8000"
PASSWORD_PLACEHOLDER = "THE-PASSWORD"
START_TIMEOUT = 180.0  # a first start installs into .venv
SESSION_TIMEOUT = 240.0

SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
UPLOAD = re.compile(r"=@([\w.-]+)")

CURL_SHIM = '''#!{python}
"""curl for the README test: HTTP errors and error bodies fail the command (see tests/test_readme.py)."""
import json, subprocess, sys
args = sys.argv[1:]
answer = subprocess.run([{curl!r}, "--fail-with-body", "-sS", *args], stdout=subprocess.PIPE)
try:
    sys.stdout.buffer.write(answer.stdout)
    sys.stdout.flush()
except BrokenPipeError:  # `curl ... | grep -q` stops reading early
    pass
def fail(why):
    sys.stderr.write(f"README test: curl {{' '.join(args)}}: {{why}}\\n")
    sys.exit(answer.returncode or 1)
if answer.returncode:
    fail(f"exit {{answer.returncode}}: {{answer.stdout[:2000].decode(errors='replace')}}")
if "-o" not in args and "--output" not in args:
    try:
        body = json.loads(answer.stdout or b"null")
    except ValueError:
        body = None
    if isinstance(body, dict):
        inner = body.get("json") if isinstance(body.get("json"), dict) else {{}}
        if body.get("status") == "failed" or inner.get("error") or inner.get("warning"):
            fail(f"error in the answer: {{body}}")
'''


def make_interview(path: Path) -> Path:
    """Video at 29.97 fps with a drop-frame timecode from 01:00:00;00, as the catalog section says."""
    subprocess.run([ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc2=size=160x90:rate=30000/1001:duration=4", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-timecode", "01:00:00;00", str(path)], check=True, stdin=subprocess.DEVNULL)
    return path


#: every file the README uploads, and how to make it
MEDIA = {
    "intro.mp4": lambda path: make_video(path, seconds=6.0, width=320, height=180),
    "interview.mov": make_interview,
}


def readme_blocks(text: str) -> list[str]:
    return [block for block in SH_BLOCK.findall(text)]


def session_script(blocks: list[str], *, address: str, password: str) -> str:
    body = "\n".join(blocks).replace(PASSWORD_PLACEHOLDER, password).replace(README_ADDRESS, address)
    return "set -euo pipefail\n" + body + "\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def scratch_database():
    """DATABASE_URL for the server: its own PostgreSQL database in CI's second pass; unset means SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    name = f"montage_readme_{os.getpid()}_{secrets.token_hex(3)}"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """`./scripts/serve` in its own process group, its output collected."""

    def __init__(self, env: dict, port: int, log_path: Path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([str(ROOT / "scripts" / "serve"), "--port", str(port)], cwd=ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.address = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_until_serving(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while "Montage is serving on" not in (text := self.output()):
            assert self.process.poll() is None, f"scripts/serve ended with {self.process.returncode}:\n{text}"
            assert time.monotonic() < deadline, f"scripts/serve did not start in {START_TIMEOUT} s:\n{text}"
            time.sleep(0.2)
        return text

    def stop(self) -> str:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # as Ctrl-C in its terminal
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def server(tmp_path_factory, scratch_database):
    """One server for the module's tests (the session test, last, stops it)."""
    tmp_path = tmp_path_factory.mktemp("readme-server")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYTEST_", "MONTAGE_"))}
    env.update({"MONTAGE_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1",
                "DRAMATIQ_NAMESPACE": f"montage-readme-{os.getpid()}"})
    env.pop("DATABASE_URL", None)
    if scratch_database:
        env["DATABASE_URL"] = scratch_database
    env.pop("PYTHONPATH", None)  # scripts/serve runs manage.py from the repository it sits in
    running = Server(env, _free_port(), tmp_path / "server.log")
    try:
        running.wait_until_serving()
        yield running
    finally:
        running.stop()


@pytest.fixture
def session_folder(tmp_path) -> Path:
    folder = tmp_path / "session"
    folder.mkdir()
    for name, make in MEDIA.items():
        make(folder / name)
    shim = tmp_path / "bin"
    shim.mkdir()
    curl = shutil.which("curl")
    assert curl, "the README's sessions need curl"
    (shim / "curl").write_text(CURL_SHIM.format(python=sys.executable, curl=curl))
    (shim / "curl").chmod(0o755)
    return folder


def run_session(script: str, folder: Path, *, timeout: float = SESSION_TIMEOUT, checked_curl: bool = True):
    # `python` in a session is the virtualenv's (the resumable-upload snippet's tuspy is installed there)
    venv = f"{Path(sys.executable).parent}{os.pathsep}"
    path = f"{folder.parent / 'bin'}{os.pathsep}{venv}{os.environ['PATH']}" if checked_curl else os.environ["PATH"]
    env = {**os.environ, "PATH": path}
    return subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=timeout)


def printed_password(output: str) -> str:
    match = re.search(r"Created admin user 'admin' with password: (\S+)", output)
    assert match, f"scripts/serve printed no admin password:\n{output}"
    return match.group(1)


def test_the_readme_names_only_media_the_test_makes():
    uploads = set(UPLOAD.findall("\n".join(readme_blocks(README.read_text()))))
    assert uploads - {"project.zip"} <= set(MEDIA), f"add a generator to MEDIA for {uploads - set(MEDIA)}"


def test_the_token_line_shows_the_servers_answer_to_a_wrong_password(server, session_folder):
    first_lines = readme_blocks(README.read_text())[0].split("AUTH=")[0]
    script = session_script([first_lines], address=server.address, password="not-the-password")
    # the real curl here: what a user sees is the README's own line at work
    done = run_session(script, session_folder, timeout=60, checked_curl=False)
    assert done.returncode != 0
    assert "KeyError" not in done.stderr
    assert "Unable to log in" in done.stderr, done.stderr


def test_every_sh_block_of_the_readme_runs_as_written(server, session_folder):
    script = session_script(readme_blocks(README.read_text()), address=server.address,
                            password=printed_password(server.output()))
    started = time.monotonic()
    done = run_session(script, session_folder)
    assert done.returncode == 0, (
        f"README session failed (exit {done.returncode}) after {time.monotonic() - started:.0f} s\n"
        f"--- stderr\n{done.stderr[-4000:]}\n--- stdout\n{done.stdout[-3000:]}\n--- server\n{server.output()[-4000:]}")
    assert (session_folder / "render.mp4").stat().st_size > 1000
    if os.environ.get("DRAMATIQ_BROKER_URL"):  # CI's second pass: the real broker, and a worker on it
        assert "Render worker running in-process on broker" in server.output()
    stopped = server.stop()
    assert "Montage stopped." in stopped
    # scripts/serve logs each request: method, path, status, milliseconds, user
    assert re.search(r"montage\.http POST /projects/ 201 \d+ ms admin", stopped), stopped[-3000:]
