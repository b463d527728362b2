"""The audio's peaks in BBC audiowaveform's data format (version 2), and a PNG of them.

ffmpeg pipes 16-bit mono samples; `PeakCollector` reads them as they
come (in a thread, so the pipe never fills) and keeps one (min, max) pair
per `samples_per_pixel` samples, scaled to `bits` (8: -128..127), which
is the format's JSON form:

    {"version": 2, "channels": 1, "sample_rate": 48000, "samples_per_pixel": 256,
     "bits": 8, "length": <pairs>, "data": [min0, max0, min1, max1, ...]}

(https://github.com/bbc/audiowaveform/blob/master/doc/DataFormat.md). The
samples are never held whole: memory is one chunk and the pairs.
"""

from __future__ import annotations

import io
import math
import os
import threading
from array import array

from PIL import Image, ImageDraw

#: the default zoom of audiowaveform; coarser for long media so the JSON stays small
MIN_SAMPLES_PER_PIXEL = 256
MAX_PIXELS = 30_000
BITS = 8
IMAGE_SIZE = (1800, 240)
IMAGE_BACKGROUND = (30, 30, 30)
IMAGE_COLOUR = (42, 130, 218)
READ_CHUNK = 256 * 1024


def samples_per_pixel_for(duration: float, sample_rate: int) -> int:
    return max(MIN_SAMPLES_PER_PIXEL, math.ceil(max(duration, 0.0) * sample_rate / MAX_PIXELS))


class PeakCollector:
    """Reads s16le mono samples from a pipe in a thread; `data()` is the format's JSON once it is drained."""

    def __init__(self, read_fd: int, *, sample_rate: int, samples_per_pixel: int):
        self.read_fd = read_fd
        self.sample_rate = sample_rate
        self.samples_per_pixel = samples_per_pixel
        self.pairs = array("b")
        self.samples = 0
        self._pending = bytearray()
        self._thread = threading.Thread(target=self._read, name="montage-waveform-peaks", daemon=True)

    def start(self) -> "PeakCollector":
        self._thread.start()
        return self

    def _read(self) -> None:
        with os.fdopen(self.read_fd, "rb", buffering=0) as stream:
            while chunk := stream.read(READ_CHUNK):
                self.feed(chunk)
        self.flush()

    def feed(self, chunk: bytes) -> None:
        self._pending += chunk
        block = self.samples_per_pixel * 2
        whole = len(self._pending) // block * block
        if whole:
            self._add(memoryview(self._pending)[:whole])
            del self._pending[:whole]

    def flush(self) -> None:
        usable = len(self._pending) // 2 * 2
        if usable:
            self._add(memoryview(self._pending)[:usable])
        self._pending.clear()

    def _add(self, data) -> None:
        samples = array("h")
        samples.frombytes(bytes(data))
        self.samples += len(samples)
        step = self.samples_per_pixel
        for start in range(0, len(samples), step):
            window = samples[start:start + step]
            self.pairs.append(min(window) >> 8)
            self.pairs.append(max(window) >> 8)

    def join(self, timeout: float = 30.0) -> None:
        self._thread.join(timeout)

    def data(self) -> dict:
        return waveform_data(self.pairs.tolist(), sample_rate=self.sample_rate,
                             samples_per_pixel=self.samples_per_pixel)


class ByteCounter:
    """Counts the bytes coming through a pipe in a thread (one per decoded frame: the run's progress)."""

    def __init__(self, read_fd: int):
        self.read_fd = read_fd
        self.count = 0
        self._thread = threading.Thread(target=self._read, name="montage-preview-frames", daemon=True)

    def start(self) -> "ByteCounter":
        self._thread.start()
        return self

    def _read(self) -> None:
        with os.fdopen(self.read_fd, "rb", buffering=0) as stream:
            while chunk := stream.read(READ_CHUNK):
                self.count += len(chunk)

    def join(self, timeout: float = 30.0) -> None:
        self._thread.join(timeout)


def waveform_data(pairs: list[int], *, sample_rate: int, samples_per_pixel: int, channels: int = 1) -> dict:
    return {"version": 2, "channels": channels, "sample_rate": sample_rate, "samples_per_pixel": samples_per_pixel,
            "bits": BITS, "length": len(pairs) // (2 * channels), "data": pairs}


def waveform_errors(data: dict) -> list[str]:
    """What is wrong with `data` as audiowaveform's JSON (empty when it is valid)."""
    errors = []
    for key in ("version", "channels", "sample_rate", "samples_per_pixel", "bits", "length", "data"):
        if key not in data:
            errors.append(f"{key} is missing")
    if errors:
        return errors
    if data["version"] != 2:
        errors.append("version must be 2")
    if data["bits"] not in (8, 16):
        errors.append("bits must be 8 or 16")
    if not isinstance(data["channels"], int) or data["channels"] < 1:
        errors.append("channels must be a positive integer")
    if not isinstance(data["data"], list) or len(data["data"]) != 2 * data["length"] * data.get("channels", 1):
        errors.append("data must hold length × channels min/max pairs")
    else:
        limit = 2 ** (data["bits"] - 1)
        if any(not isinstance(v, int) or not -limit <= v < limit for v in data["data"]):
            errors.append(f"every value must be an integer in [-{limit}, {limit - 1}]")
        if any(low > high for low, high in zip(data["data"][::2], data["data"][1::2])):
            errors.append("each min must not exceed its max")
    return errors


def waveform_png(data: dict, size: tuple[int, int] = IMAGE_SIZE) -> tuple[bytes, tuple[int, int]]:
    """The peaks drawn as a PNG (columns of min..max around the middle line): (bytes, (width, height))."""
    pairs = data["data"]
    length = len(pairs) // 2
    width = max(1, min(size[0], length or 1))
    height = size[1]
    image = Image.new("RGB", (width, height), IMAGE_BACKGROUND)
    draw = ImageDraw.Draw(image)
    middle = height / 2
    scale = middle / 2 ** (data["bits"] - 1)
    for column in range(width):
        first = column * length // width
        last = max(first + 1, (column + 1) * length // width)
        lows, highs = pairs[2 * first:2 * last:2], pairs[2 * first + 1:2 * last:2]
        if not lows:
            continue
        draw.line([(column, middle - max(highs) * scale), (column, middle - min(lows) * scale)], fill=IMAGE_COLOUR)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), (width, height)
