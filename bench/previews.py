"""Previews from one decode against the same renditions made by separate ffmpeg runs (what Kitsu/zou does).

Generates a 1080p30, 60 s H.264 clip with AAC audio once (in --workdir),
then alternates, `--rounds` times each:

* **one decode**: Montage's pipeline, the single ffmpeg process of
  `media_assets.previews.graph.preview_plan` (proxy, three thumbnails,
  sprite, waveform samples piped out and reduced to peaks here);
* **separate runs**: one ffmpeg per rendition, as zou makes its HD proxy,
  thumbnails and tiles: the proxy (same encoder settings), each thumbnail
  (seek, one frame), the sprite (a full decode with select + tile), the
  waveform samples (an audio decode).

For each it prints wall time, CPU seconds (user + system, ffmpeg and this
process's peak reader) and peak RSS (the largest single process), the
medians over the rounds, their ratios, and the pipeline's realtime factor
(seconds of media per wall second).

    python bench/previews.py                    # 2 rounds each, clip in /tmp/montage-bench-previews
    python bench/previews.py --rounds 3 --seconds 30
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.media.ffmpeg import ffmpeg_binary  # noqa: E402
from media_assets.previews.graph import (  # noqa: E402
    AUDIO_RATE,
    COUNTER_BYTES_PER_FRAME,
    PROXY_CRF,
    PROXY_PRESET,
    preview_plan,
    proxy_size,
    scaled,
)
from media_assets.previews.waveform import ByteCounter, PeakCollector, samples_per_pixel_for  # noqa: E402
from media_assets.probe import probe_media  # noqa: E402


def make_clip(path: Path, seconds: float) -> None:
    if path.exists():
        return
    subprocess.run([ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
                    "-shortest", str(path)], check=True)


def run(argv: list[str], pass_fds=()) -> tuple[float, float, int]:
    """Run ffmpeg to the end: (wall s, CPU s, peak RSS bytes) of that process."""
    started = time.monotonic()
    process = subprocess.Popen([ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *argv],
                               stdin=subprocess.DEVNULL, pass_fds=tuple(pass_fds))
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"ffmpeg failed ({process.returncode}): {' '.join(argv)[:300]}")
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_decode(source: Path, probe: dict, out: Path) -> tuple[float, float, int]:
    peaks_read, peaks_write = os.pipe()
    frames_read, frames_write = os.pipe()
    plan = preview_plan(str(source), probe, out, audio_fd=peaks_write, counter_fd=frames_write)
    collector = PeakCollector(peaks_read, sample_rate=AUDIO_RATE,
                              samples_per_pixel=samples_per_pixel_for(probe["duration"], AUDIO_RATE)).start()
    counter = ByteCounter(frames_read).start()
    cpu_before = self_cpu()
    started = time.monotonic()
    try:
        _, cpu, rss = run(plan.argv, pass_fds=(peaks_write, frames_write))
    finally:
        os.close(peaks_write)
        os.close(frames_write)
        collector.join()
        counter.join()
    wall = time.monotonic() - started
    assert collector.data()["length"] > 0 and counter.count == plan.frame_count * COUNTER_BYTES_PER_FRAME, "the pipeline made no output"
    return wall, cpu + (self_cpu() - cpu_before), rss


def separate_runs(source: Path, probe: dict, out: Path) -> tuple[float, float, int]:
    size = (probe["width"], probe["height"])
    duration = probe["duration"]
    width, height = proxy_size(size)
    runs = [
        ["-i", str(source), "-vf", f"scale={width}:{height},format=yuv420p", "-c:v", "libx264", "-preset", PROXY_PRESET,
         "-crf", PROXY_CRF, "-g", "30", "-c:a", "aac", "-ar", str(AUDIO_RATE), "-ac", "2", "-movflags", "+faststart",
         str(out / "proxy.mp4")],
    ]
    for name, target in (("small", 160), ("medium", 480), ("large", 1280)):
        w, h = scaled(size, target)
        runs.append(["-ss", f"{duration * 0.1:.3f}", "-i", str(source), "-frames:v", "1", "-vf", f"scale={w}:{h}",
                     str(out / f"thumbnail-{name}.jpg")])
    w, h = scaled(size, 160)
    runs.append(["-i", str(source), "-vf", f"select='not(mod(n\\,30))',scale={w}:{h},tile=10x7", "-frames:v", "1",
                 "-an", str(out / "sprite.jpg")])
    started = time.monotonic()
    cpu = 0.0
    peak = 0
    for argv in runs:
        _, used, rss = run(argv)
        cpu += used
        peak = max(peak, rss)
    peaks_read, peaks_write = os.pipe()
    collector = PeakCollector(peaks_read, sample_rate=AUDIO_RATE,
                              samples_per_pixel=samples_per_pixel_for(duration, AUDIO_RATE)).start()
    cpu_before = self_cpu()
    try:
        _, used, rss = run(["-i", str(source), "-vn", "-ac", "1", "-ar", str(AUDIO_RATE), "-f", "s16le",
                            f"pipe:{peaks_write}"], pass_fds=(peaks_write,))
    finally:
        os.close(peaks_write)
        collector.join()
    cpu += used + (self_cpu() - cpu_before)
    peak = max(peak, rss)
    return time.monotonic() - started, cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/montage-bench-previews"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"source-1080p30-{args.seconds:g}s.mp4"
    make_clip(source, args.seconds)
    probe = probe_media(str(source))
    results = {"one decode": [], "separate runs": []}
    for round_index in range(args.rounds):
        for name, method in (("one decode", one_decode), ("separate runs", separate_runs)):
            out = args.workdir / name.replace(" ", "-")
            out.mkdir(exist_ok=True)
            wall, cpu, rss = method(source, probe, out)
            results[name].append((wall, cpu, rss))
            print(f"round {round_index + 1} {name:<14} wall {wall:6.1f} s  cpu {cpu:6.1f} s  peak RSS {rss / 2**20:6.0f} MiB",
                  flush=True)
    medians = {name: [statistics.median(values[i] for values in rows) for i in range(3)] for name, rows in results.items()}
    one, separate = medians["one decode"], medians["separate runs"]
    print()
    print("| method | wall s | CPU s | peak RSS MiB |")
    print("| --- | --- | --- | --- |")
    for name, (wall, cpu, rss) in medians.items():
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {rss / 2**20:.0f} |")
    print(f"| ratio one/separate | {one[0] / separate[0]:.2f} | {one[1] / separate[1]:.2f} | {one[2] / separate[2]:.2f} |")
    print(f"\nrealtime factor of the one-decode pipeline: {probe['duration'] / one[0]:.2f}× "
          f"({probe['duration']:g} s of 1080p30 media in {one[0]:.1f} s)")


if __name__ == "__main__":
    main()
