"""Small builders shared by the renderer tests: media made once per run, timelines in one line.

No conftest: the renderer's tests run with or without Django, so what
they share lives in this plain module.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path

from exports.renderer import Clip, Effect, Media, Output, Timeline
from tests import mediagen
from tests.exports.renderer.framecode import make_frame_coded_video

FPS = Fraction(30, 1)
SIZE = (160, 90)


@functools.lru_cache(maxsize=None)
def media_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="renderer-media-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@functools.lru_cache(maxsize=None)
def coded_video(tag: int = 128, frames: int = 90) -> Media:
    path = make_frame_coded_video(media_dir() / f"coded-{tag}-{frames}.mp4", frames=frames, tag=tag)
    return Media(path=str(path), media_type="video", has_video=True, has_audio=False, width=160, height=90,
                 fps=FPS, duration=frames / 30)


@functools.lru_cache(maxsize=None)
def tone_video(seconds: float = 2.0) -> Media:
    path = mediagen.make_video(media_dir() / f"tone-{seconds}.mp4", seconds=seconds)
    return Media(path=str(path), media_type="video", has_video=True, has_audio=True, width=160, height=90,
                 fps=FPS, duration=seconds, sample_rate=44100, channels=2)


@functools.lru_cache(maxsize=None)
def still(color: str = "red") -> Media:
    path = mediagen.make_image(media_dir() / f"still-{color}.png", color=color)
    return Media(path=str(path), media_type="image", has_video=True, has_audio=False, width=160, height=90)


@functools.lru_cache(maxsize=None)
def tone(seconds: float = 2.0) -> Media:
    path = mediagen.make_audio(media_dir() / f"tone-{seconds}.wav", seconds=seconds)
    return Media(path=str(path), media_type="audio", has_video=False, has_audio=True, duration=seconds,
                 sample_rate=44100, channels=2)


def clip(media: Media, *, id: int = 1, position: float = 0.0, start: float = 0.0, end: float | None = None,
         layer: int = 1, effects: tuple[Effect, ...] = (), **properties) -> Clip:
    return Clip(id=id, media=media, position=position, start=start,
                end=media.duration if end is None else end, layer=layer, properties=properties, effects=effects)


def timeline(*clips: Clip, effects: tuple[Effect, ...] = (), **output) -> Timeline:
    settings = {"width": SIZE[0], "height": SIZE[1], "fps": FPS, "preset": "ultrafast", **output}
    return Timeline(clips=clips, effects=effects, output=Output(**settings))


def linear(*points: tuple[float, float]) -> dict:
    return {"Points": [{"co": {"X": x, "Y": y}, "interpolation": 1} for x, y in points]}


def steps(*points: tuple[float, float]) -> dict:
    return {"Points": [{"co": {"X": x, "Y": y}, "interpolation": 2} for x, y in points]}
