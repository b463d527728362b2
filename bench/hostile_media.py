"""Latency of /info/ while hostile media is processed (issue 12, findings 1-3).

Starts the embedded server (`manage.py serve`, threaded) in a scratch data
directory and, for each hostile request, sends it from one thread while
another asks for `/info/` every 100 ms. Prints, as a Markdown table for
docs/performance.md: the hostile request's status and wall time, and the
/info/ answers during it (count, p50, max), plus the server's peak RSS
(children included) over the run.

    python bench/hostile_media.py
"""

from __future__ import annotations

import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]

USE_BOMB = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1920" height="1080">'
    '<defs><filter id="f"><feGaussianBlur stdDeviation="20"/></filter>'
    '<rect id="r" width="100" height="100" filter="url(#f)"/>'
    '<g id="a">' + '<use xlink:href="#r"/>' * 10 + '</g><g id="b">' + '<use xlink:href="#a"/>' * 10 + '</g>'
    '<g id="c">' + '<use xlink:href="#b"/>' * 10 + '</g></defs>' + '<use xlink:href="#c"/>' * 10 + '</svg>'
)
SLOW_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080"><defs>'
    '<filter id="b" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="300"/>'
    '<feMorphology radius="40"/><feGaussianBlur stdDeviation="200"/></filter></defs>'
    + "".join(f'<rect x="{i}" y="{i}" width="1900" height="1000" fill="#{i * 1000:06x}" filter="url(#b)"/>'
              for i in range(90)) + "</svg>"
)
Q_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>' + "Q" * 10_000 + "</text></svg>"


def png(width: int, height: int) -> bytes:
    row = b"\x00" + b"\x10\x20\x30\xff" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Peak(threading.Thread):
    """The server's peak RSS, its children (the bounded workers) included."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process, self.peak, self.running = psutil.Process(pid), 0, True

    def run(self):
        while self.running:
            try:
                total = self.process.memory_info().rss + sum(
                    child.memory_info().rss for child in self.process.children(recursive=True))
            except psutil.Error:
                total = 0
            self.peak = max(self.peak, total)
            time.sleep(0.05)


def measure(base: str, headers: dict, work) -> tuple[int, float, list[float]]:
    outcome: dict = {}

    def run():
        started = time.monotonic()
        outcome["status"] = work().status_code
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    latencies = []
    while thread.is_alive():
        started = time.monotonic()
        requests.get(base + "/info/", headers=headers, timeout=300)
        latencies.append(time.monotonic() - started)
        time.sleep(0.1)
    thread.join()
    return outcome["status"], outcome["seconds"], latencies


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="montage-bench-"))
    port = free_port()
    env = {**os.environ, "MONTAGE_EMBEDDED": "1", "MONTAGE_DATA_DIR": str(scratch / "data"), "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "manage.py", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        token = None
        for line in server.stdout:
            if "token" in line.lower() and token is None:
                token = line.rsplit(" ", 1)[-1].strip()
            if "serving on" in line:
                break
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Token {token}"}
        session = requests.Session()
        session.headers.update(headers)
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        project = session.post(base + "/projects/", json={"name": "Hostile"}).json()

        def upload(name, body, mime):
            return session.post(base + "/files/", data={"project": project["url"]}, files={"media": (name, body, mime)},
                                timeout=300)

        slow = upload("slow.svg", SLOW_SVG.encode(), "image/svg+xml").json()
        q = upload("q.svg", Q_SVG.encode(), "image/svg+xml").json()
        huge = upload("huge.png", png(10_000, 10_000), "image/png").json()
        cases = [
            ("upload: 10^4 <use> of a blurred rect (1.3 KB SVG)", lambda: upload("bomb.svg", USE_BOMB.encode(), "image/svg+xml")),
            ("thumbnail 1920x1080 of a slow SVG (90 blurred rects)",
             lambda: session.get(f"{base}/files/{slow['id']}/thumbnail/", params={"width": 1920, "height": 1080}, timeout=300)),
            ("text-replace Q -> 100,000 x R (10 KB SVG)",
             lambda: session.post(f"{base}/files/{q['id']}/text-replace/", json={"search": "Q", "replace": "R" * 100_000}, timeout=300)),
            ("thumbnail 1280x720 of a 10000x10000 PNG (400 KB)",
             lambda: session.get(f"{base}/files/{huge['id']}/thumbnail/", timeout=300)),
        ]
        peak = Peak(server.pid)
        peak.start()
        print("| hostile request | status | seconds | /info/ answers | /info/ p50 | /info/ max |")
        print("|---|---|---|---|---|---|")
        for name, work in cases:
            status, seconds, latencies = measure(base, headers, work)
            p50 = statistics.median(latencies) if latencies else 0.0
            print(f"| {name} | {status} | {seconds:.1f} | {len(latencies)} | {p50 * 1000:.0f} ms | "
                  f"{max(latencies, default=0) * 1000:.0f} ms |")
        peak.running = False
        print(f"\nserver peak RSS, bounded children included: {peak.peak / 2**20:.0f} MB")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
