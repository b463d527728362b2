"""Render speed and memory: Montage against a hand-written ffmpeg command.

Builds, through the HTTP API of a freshly started embedded server, a
1080p30 20 s timeline: clip A (1080p) full frame; clip B (720p) scaled to
0.5, placed at 2 s with location_x 0.25 and an alpha fade-in over 2 s;
audio of both mixed. Renders it with x264 `ultrafast` and `medium` at
8 Mb/s, and in the same run times one hand-written ffmpeg command that
produces the same picture. Prints wall time, peak RSS of the ffmpeg
process(es), and the ratios Montage/direct.

`--case smart` times a smart render instead: a cut-only 1080p30 timeline
of 3 trims (60 s in all) from two H.264 sources (2 s GOPs, B-frames),
rendered by Montage smart (json.smart "auto"), by Montage in full
(json.smart false, x264 ultrafast: its fastest full render) and by a
hand-written ffmpeg re-encode of the same trims (ultrafast), alternating.

`--case segments` times a segment-parallel render: a 1080p30 120 s
timeline with the overlay clip (not smart-renderable), rendered once by
an embedded server whose one worker thread is pinned to one core
(`taskset -c 0`, json.segments false) and once by one whose two worker
threads may use two cores (`taskset -c 0,1`, json.segments "auto":
two segments of 60 s and the sound), x264 ultrafast. It checks that both
outputs hold exactly 3600 video frames.

    python bench/render.py [--runs 3] [--case overlay|smart|segments|all]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import mediagen  # noqa: E402

WIDTH, HEIGHT, FPS, SECONDS = 1920, 1080, 30, 20
FADE = {"Points": [{"co": {"X": 1, "Y": 0.0}, "interpolation": 1}, {"co": {"X": 61, "Y": 1.0}, "interpolation": 1}]}


class PeakRss(threading.Thread):
    """Peak RSS and CPU seconds of the ffmpeg processes under `root` (or `root` itself).

    CPU seconds (user + system) are reported beside wall time because they
    hardly move when other work shares the machine.
    """

    def __init__(self, root: psutil.Process):
        super().__init__(daemon=True)
        self.root, self.peak, self.done = root, 0, threading.Event()
        self.cpu_by_pid: dict[int, float] = {}

    @property
    def cpu(self) -> float:
        return sum(self.cpu_by_pid.values())

    def run(self):
        while not self.done.is_set():
            try:
                procs = [p for p in (self.root, *self.root.children(recursive=True)) if "ffmpeg" in p.name()]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
                for p in procs:
                    times = p.cpu_times()
                    self.cpu_by_pid[p.pid] = times.user + times.system
            except psutil.Error:
                pass
            time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_sources(folder: Path) -> tuple[Path, Path]:
    a = mediagen.make_video(folder / "a-1080p.mp4", seconds=SECONDS, width=1920, height=1080, fps=FPS)
    b = mediagen.make_video(folder / "b-720p.mp4", seconds=SECONDS - 2, width=1280, height=720, fps=FPS)
    return a, b


def direct_command(a: Path, b: Path, out: Path, preset: str) -> list[str]:
    """The same picture and sound, written by hand."""
    frames = SECONDS * FPS
    graph = (
        "[0:v]setpts=PTS-STARTPTS[a];"
        "[1:v]scale=960:540,format=yuva420p,fade=t=in:st=0:d=2:alpha=1,setpts=PTS-STARTPTS+2/TB[b];"
        "[a][b]overlay=x=960:y=270:eof_action=pass:format=yuv420[v];"
        "[1:a]adelay=2000:all=1[ba];[0:a][ba]amix=inputs=2:normalize=0:duration=first[aout]"
    )
    return [mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(a), "-i", str(b),
            "-filter_complex", graph, "-map", "[v]", "-map", "[aout]", "-c:v", "libx264", "-preset", preset,
            "-b:v", "8000000", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192000", "-r", str(FPS),
            "-frames:v", str(frames), str(out)]


def time_direct(a: Path, b: Path, out: Path, preset: str) -> tuple[float, int, float]:
    started = time.monotonic()
    process = subprocess.Popen(direct_command(a, b, out, preset))
    sampler = PeakRss(psutil.Process(process.pid))
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)  # exact CPU seconds of the finished ffmpeg
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.done.set()
    assert process.returncode == 0
    return time.monotonic() - started, sampler.peak, usage.ru_utime + usage.ru_stime


class Montage:
    def __init__(self, scratch: Path, *, threads: int = 1, cpus: str | None = None):
        self.port = free_port()
        env = {**os.environ, "MONTAGE_EMBEDDED": "1", "MONTAGE_DATA_DIR": str(scratch / "data"), "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
               "EMBEDDED_WORKER_THREADS": str(threads)}
        env.pop("DRAMATIQ_BROKER_URL", None)
        env.pop("DATABASE_URL", None)
        pin = ["taskset", "-c", cpus] if cpus else []
        self.process = subprocess.Popen([*pin, sys.executable, "manage.py", "serve", "--port", str(self.port)], cwd=ROOT,
                                        env=env, stdout=subprocess.PIPE, text=True)
        for line in self.process.stdout:
            if line.startswith("API token"):
                self.headers = {"Authorization": "Token " + line.rsplit(" ", 1)[-1].strip()}
            if "serving on" in line:
                break
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                requests.get(self.base + "/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)

    def post(self, path: str, **kwargs) -> dict:
        response = requests.post(self.base + path, headers=self.headers, **kwargs)
        response.raise_for_status()
        return response.json()

    def build_timeline(self, a: Path, b: Path, seconds: int = SECONDS) -> dict:
        project = self.post("/projects/", json={"name": "bench", "width": WIDTH, "height": HEIGHT, "fps_num": FPS})
        files = []
        for path in (a, b):
            with open(path, "rb") as handle:
                files.append(self.post(f"/projects/{project['id']}/files/", files={"media": (path.name, handle)}))
        self.post("/clips/", json={"project": project["url"], "file": files[0]["url"], "position": 0, "start": 0,
                                   "end": seconds, "layer": 1})
        self.post("/clips/", json={"project": project["url"], "file": files[1]["url"], "position": 2, "start": 0,
                                   "end": seconds - 2, "layer": 2,
                                   "json": {"scale_x": 0.5, "scale_y": 0.5, "location_x": 0.25, "alpha": FADE}})
        return project

    def build_cut(self, a: Path, b: Path) -> dict:
        """The smart case's timeline: TRIMS, one after another, full frame."""
        project = self.post("/projects/", json={"name": "cut", "width": WIDTH, "height": HEIGHT, "fps_num": FPS})
        files = {}
        for path in (a, b):
            with open(path, "rb") as handle:
                files[path] = self.post(f"/projects/{project['id']}/files/", files={"media": (path.name, handle)})
        position = 0.0
        for source, start, seconds in trims(a, b):
            self.post("/clips/", json={"project": project["url"], "file": files[source]["url"], "position": position,
                                       "start": start, "end": start + seconds, "layer": 1})
            position += seconds
        return project

    def render(self, project: dict, preset: str, smart: object = "auto", **json) -> tuple[float, int, float]:
        sampler = PeakRss(psutil.Process(self.process.pid))
        sampler.start()
        posted_at = time.time()
        export = self.post("/exports/", json={"project": project["url"], "video_bitrate": 8000000,
                                              "json": {"preset": preset, "smart": smart, **json}})
        while True:
            # Polled gently, as a client would: a request every 50 ms took CPU from ffmpeg on 2 cores
            # (+0.5 s on a 4 s render). The end is the moment the export was recorded completed.
            time.sleep(0.5)
            export = requests.get(export["url"], headers=self.headers).json()
            if export["status"] in ("completed", "failed"):
                break
        wall = datetime.fromisoformat(export["date_updated"].replace("Z", "+00:00")).timestamp() - posted_at
        sampler.done.set()
        if export["status"] != "completed":
            raise SystemExit(f"render failed: {export['json'].get('error')}")
        self.last = export
        return wall, sampler.peak, sampler.cpu

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def make_cut_sources(folder: Path) -> tuple[Path, Path]:
    """Two 1080p30 H.264 files as a camera writes them: 2 s GOPs with B-frames, AAC sound."""
    paths = []
    for name, seconds in (("cut-a.mp4", 55), ("cut-b.mp4", 30)):
        path = folder / name
        subprocess.run([mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
                        "-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}:duration={seconds}",
                        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                        "-c:v", "libx264", "-preset", "superfast", "-g", str(2 * FPS), "-pix_fmt", "yuv420p",
                        "-b:v", "8000000", "-c:a", "aac", "-ac", "2", "-shortest", str(path)], check=True)
        paths.append(path)
    return paths[0], paths[1]


def trims(a: Path, b: Path) -> list[tuple[Path, float, float]]:
    """(file, start s, seconds): 60 s in all, cut off the keyframes (as a rough cut is)."""
    return [(a, 5.5, 20.0), (b, 3.2, 20.0), (a, 30.1, 20.0)]


def direct_cut_command(a: Path, b: Path, out: Path) -> list[str]:
    """The same trims re-encoded by hand (x264 ultrafast, 8 Mb/s)."""
    args, parts = [mediagen.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y"], []
    for number, (path, start, seconds) in enumerate(trims(a, b)):
        args += ["-ss", f"{start}", "-t", f"{seconds}", "-i", str(path)]
        parts.append(f"[{number}:v][{number}:a]")
    graph = f"{''.join(parts)}concat=n={len(parts)}:v=1:a=1[v][a]"
    return args + ["-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast",
                   "-b:v", "8000000", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192000",
                   "-movflags", "+faststart", str(out)]


def time_command(command: list[str]) -> tuple[float, int, float]:
    started = time.monotonic()
    process = subprocess.Popen(command)
    sampler = PeakRss(psutil.Process(process.pid))
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    sampler.done.set()
    assert os.waitstatus_to_exitcode(status) == 0
    return time.monotonic() - started, sampler.peak, usage.ru_utime + usage.ru_stime


def smart_case(scratch: Path, montage: "Montage", runs: int) -> None:
    a, b = make_cut_sources(scratch)
    project = montage.build_cut(a, b)
    results: dict[str, list[tuple[float, int, float]]] = {"smart": [], "full": [], "direct": []}
    modes = []
    for _ in range(runs):  # alternate, so all three see the same machine load (smart last: uploads' previews done)
        results["direct"].append(time_command(direct_cut_command(a, b, scratch / "direct-cut.mp4")))
        results["full"].append(montage.render(project, "ultrafast", smart=False))
        results["smart"].append(montage.render(project, "ultrafast", smart="auto"))
        modes.append((montage.last["json"].get("render_mode"), montage.last["json"].get("smart_reason"),
                      montage.last["json"].get("render_speed")))
    print(f"cut-only timeline: {WIDTH}x{HEIGHT} {FPS} fps, 3 trims, 60 s; {runs} runs each, medians; "
          f"smart json: {modes[-1]}")
    walls = {name: statistics.median(run[0] for run in done) for name, done in results.items()}
    cpus = {name: statistics.median(run[2] for run in done) for name, done in results.items()}
    print(f"{'render':8} {'wall s':>8} {'cpu s':>8} {'full/this':>10} {'direct/this':>12}")
    for name in ("smart", "full", "direct"):
        print(f"{name:8} {walls[name]:8.2f} {cpus[name]:8.2f} {walls['full'] / walls[name]:10.2f} "
              f"{walls['direct'] / walls[name]:12.2f}")
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


SEGMENT_SECONDS = 120


def output_frames(montage: "Montage", export: dict) -> int:
    import av

    path = Path(tempfile.mkstemp(suffix=".mp4")[1])
    try:
        with requests.get(export["output"], headers=montage.headers, stream=True) as response, \
                open(path, "wb") as out:
            response.raise_for_status()
            for chunk in response.iter_content(1024 * 1024):  # a 120 s 1080p render: streamed, not held whole
                out.write(chunk)
        with av.open(str(path)) as container:
            return sum(1 for packet in container.demux(video=0) if packet.size)
    finally:
        path.unlink()


def segments_case(scratch: Path, runs: int) -> None:
    a = mediagen.make_video(scratch / "a-long.mp4", seconds=SEGMENT_SECONDS, width=1920, height=1080, fps=FPS)
    b = mediagen.make_video(scratch / "b-long.mp4", seconds=SEGMENT_SECONDS - 2, width=1280, height=720, fps=FPS)
    results: dict[str, list[tuple[float, int, float]]] = {"one worker": [], "segments": []}
    checks = {}
    for name, threads, cpus, segments in (("one worker", 1, "0", False), ("segments", 2, "0,1", "auto")):
        montage = Montage(scratch / name.replace(" ", "-"), threads=threads, cpus=cpus)
        try:
            project = montage.build_timeline(a, b, SEGMENT_SECONDS)
            for _ in range(runs):
                results[name].append(montage.render(project, "ultrafast", smart=False, segments=segments))
            checks[name] = (output_frames(montage, montage.last),
                            (montage.last["json"].get("segment_render") or {}).get("segments"))
        finally:
            montage.stop()
    walls = {name: statistics.median(run[0] for run in done) for name, done in results.items()}
    print(f"overlay timeline: {WIDTH}x{HEIGHT} {FPS} fps, {SEGMENT_SECONDS} s, x264 ultrafast; {runs} run(s) each")
    for name in results:
        print(f"{name:10} wall {walls[name]:8.2f} s  frames {checks[name][0]}  segments {checks[name][1]}")
    print(f"segments / one worker: {walls['segments'] / walls['one worker']:.2f}")
    print(f"load average after: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="runs per preset (the median is reported)")
    parser.add_argument("--case", choices=("overlay", "smart", "segments", "all"), default="all")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="montage-render-bench-"))
    montage = None
    try:
        print(f"load average before: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
        if args.case == "segments":
            segments_case(scratch, args.runs)
            return
        montage = Montage(scratch)
        if args.case in ("smart", "all"):
            smart_case(scratch, montage, args.runs)
        if args.case == "smart":
            return
        a, b = make_sources(scratch)
        project = montage.build_timeline(a, b)
        mb = 1024 * 1024
        print(f"timeline: {WIDTH}x{HEIGHT} {FPS} fps, {SECONDS} s; {args.runs} runs each, medians")
        print(f"{'preset':10} {'montage s':>10} {'direct s':>9} {'ratio':>6} {'montage cpu':>12} {'direct cpu':>11} "
              f"{'ratio':>6} {'montage MB':>11} {'direct MB':>10} {'ratio':>6}")
        for preset in ("ultrafast", "medium"):
            ours, theirs = [], []
            for _ in range(args.runs):  # alternate, so both see the same machine load
                ours.append(montage.render(project, preset))
                theirs.append(time_direct(a, b, scratch / f"direct-{preset}.mp4", preset))
            our_wall = statistics.median(run[0] for run in ours)
            our_rss = statistics.median(run[1] for run in ours)
            their_wall = statistics.median(run[0] for run in theirs)
            their_rss = statistics.median(run[1] for run in theirs)
            our_cpu = statistics.median(run[2] for run in ours)
            their_cpu = statistics.median(run[2] for run in theirs)
            print(f"{preset:10} {our_wall:10.2f} {their_wall:9.2f} {our_wall / their_wall:6.2f} "
                  f"{our_cpu:12.2f} {their_cpu:11.2f} {our_cpu / their_cpu:6.2f} "
                  f"{our_rss / mb:11.0f} {their_rss / mb:10.0f} {our_rss / their_rss:6.2f}")
    finally:
        if montage is not None:
            montage.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
