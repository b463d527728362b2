"""Peak memory of the server while a large file is uploaded (and downloaded).

Starts the embedded server (`manage.py serve`) in a scratch data directory,
streams a generated file of the given size to POST /projects/<id>/files/
and back from /files/<id>/download/, and samples the server's RSS
(including children) every 50 ms. The file is a real MP4 followed by
filler so it probes as media; it is generated on disk, never held in memory.

    python bench/upload_memory.py --size-mb 1024
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import mediagen  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_big_file(path: Path, size_mb: int) -> Path:
    """An MKV whose tail is padding: probes as a 2 s video, weighs size_mb."""
    mediagen.make_video(path, seconds=2.0)
    chunk = b"\0" * (1024 * 1024)
    with open(path, "ab") as handle:
        while path.stat().st_size < size_mb * 1024 * 1024:
            handle.write(chunk)
    return path


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def rss(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="montage-bench-"))
    port = free_port()
    env = {**os.environ, "MONTAGE_EMBEDDED": "1", "MONTAGE_DATA_DIR": str(scratch / "data"), "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        token = None
        for line in server.stdout:
            if line.startswith("API token"):
                token = line.rsplit(" ", 1)[-1].strip()
            if "serving on" in line:
                break
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Token {token}"}
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        big = make_big_file(scratch / "big.mp4", args.size_mb)
        idle = Sampler(server.pid).rss()
        project = requests.post(base + "/projects/", json={"name": "bench"}, headers=headers).json()
        sampler = Sampler(server.pid)
        sampler.start()
        started = time.monotonic()
        with open(big, "rb") as handle:
            response = requests.post(f"{base}/projects/{project['id']}/files/", headers=headers,
                                     files={"media": ("big.mp4", handle)}, data={"json": "{}"})
        upload_seconds = time.monotonic() - started
        response.raise_for_status()
        upload_peak = sampler.peak
        file_id = response.json()["id"]
        started = time.monotonic()
        with requests.get(f"{base}/files/{file_id}/download/", headers=headers, stream=True) as download:
            received = sum(len(chunk) for chunk in download.iter_content(1024 * 1024))
        download_seconds = time.monotonic() - started
        sampler.stop.set()
        mb = 1024 * 1024
        print(f"file size            {big.stat().st_size / mb:10.0f} MB")
        print(f"server RSS idle      {idle / mb:10.1f} MB")
        print(f"server RSS peak (up) {upload_peak / mb:10.1f} MB   (+{(upload_peak - idle) / mb:.1f} MB, upload {upload_seconds:.1f} s)")
        print(f"server RSS peak (all){sampler.peak / mb:10.1f} MB   (download {received / mb:.0f} MB in {download_seconds:.1f} s)")
        print(f"peak / file size     {sampler.peak / big.stat().st_size:10.3f}")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
