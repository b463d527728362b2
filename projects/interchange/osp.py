"""OpenShot Video Editor project files (`.osp`): the project out, and one read back in.

The file is OpenShot's project JSON (`src/settings/_default.project` in
openshot-qt): profile, fps, size, audio settings, `files` (each a reader
description with `id` and `path`), `clips` (every property curve, with
`file_id` and their file's `reader`), timeline `effects`, `layers` and
`markers`. OpenShot resolves a relative `path` against the project file's
folder, which is how the downloaded ZIP's `media/...` paths work.

Out of Montage, `path` is the media's stored name (`files/12/intro.mp4`)
or, inside a download archive, its path in the archive. Ids are the
objects' Montage ids as strings. Layers and markers come from the
project's `json` when it has them (a loaded OpenShot project keeps
its own), otherwise one layer entry per layer number in use.

Reading is strict where Montage needs it (numbers that are numbers, end
after start, files that clips name) and keeps everything else a clip or
effect carries in its `json`, so a project saved by `json/` and loaded
again renders the same.
"""

from __future__ import annotations

import math
import posixpath
import re
from fractions import Fraction
from typing import Any, Callable

from media_assets.models import File
from media_assets.ingest import PROBE_KEYS
from projects.interchange.plan import (
    LoadPlan,
    PlannedClip,
    PlannedEffect,
    PlannedFile,
    invalid,
)
from projects.models import ChannelLayout, Clip, Effect, Project
from projects.properties import MAX_TIMELINE_SECONDS, clip_json_complete, clip_json_errors, curve_error

OPENSHOT_VERSION = {"openshot-qt": "3.1.1", "libopenshot": "0.3.2"}
#: clip and effect keys that are Montage fields, not json
CLIP_FIELDS = frozenset({"id", "file_id", "position", "start", "end", "layer", "duration", "reader", "file"})
EFFECT_FIELDS = frozenset({"id", "class_name", "type", "position", "start", "end", "layer", "duration", "title", "name"})
#: what of the project's own json an OpenShot project file carries (and a load restores)
PROJECT_JSON_KEYS = ("layers", "markers", "settings")
#: an OpenShot project file has at least one of these
PROJECT_KEYS = frozenset({"fps", "width", "height", "files", "clips", "effects"})
MAX_OBJECTS = 20_000
MAX_DIMENSION = 16384
MAX_FPS = 1000
EFFECT_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: FFmpeg's AVPixelFormat numbers (the start of the enum, unchanged since FFmpeg 1) for libopenshot's readers
AV_PIXEL_FORMATS = {name: number for number, name in enumerate(
    "yuv420p yuyv422 rgb24 bgr24 yuv422p yuv444p yuv410p yuv411p gray monow monob pal8 yuvj420p yuvj422p yuvj444p "
    "uyvy422 uyyvyy411 bgr8 bgr4 bgr4_byte rgb8 rgb4 rgb4_byte nv12 nv21 argb rgba abgr bgra gray16be gray16le "
    "yuv440p yuvj440p yuva420p".split())}
#: OpenShot's profile names for the common sizes and rates
PROFILE_NAMES = {
    (1920, 1080): "HD 1080p", (1280, 720): "HD 720p", (3840, 2160): "UHD 2160p", (720, 480): "DV/DVD NTSC",
    (720, 576): "DV/DVD PAL",
}


def project_osp(project: Project, *, media_path: Callable[[File], str] | None = None) -> dict[str, Any]:
    """The project as an OpenShot project file; `media_path(file)` gives each file's `path` (default: its stored name)."""
    media_path = media_path or (lambda file: file.media.name)
    files = list(File.objects.filter(project=project).order_by("id"))
    paths = {file.pk: media_path(file) for file in files}
    readers = {file.pk: _reader(file.json or {}, paths[file.pk]) for file in files}
    by_id = {file.pk: file for file in files}
    clips = list(Clip.objects.filter(project=project).order_by("layer", "position", "id"))
    effects = list(Effect.objects.filter(project=project).order_by("layer", "position", "id"))
    fps = Fraction(project.fps_num, project.fps_den)
    ratio = Fraction(project.width, project.height)
    stored = project.json or {}
    return {
        "id": "T0",
        **project_settings(project),
        "display_ratio": {"num": ratio.numerator, "den": ratio.denominator},
        "pixel_ratio": {"num": 1, "den": 1},
        "settings": stored.get("settings") if isinstance(stored.get("settings"), dict) else {},
        "clips": [_clip_osp(clip, readers[clip.file_id], by_id[clip.file_id]) for clip in clips],
        "effects": [_effect_osp(effect) for effect in effects],
        "files": [_file_osp(file, readers[file.pk]) for file in files],
        "duration": max(300.0, math.ceil(max((c.position + c.duration for c in clips), default=0.0))),
        "scale": 15.0,
        "tick_pixels": 100,
        "playhead_position": 0,
        "profile": _profile_name(project.width, project.height, fps),
        "export_settings": None,
        "layers": _layers(stored.get("layers"), {item.layer for item in [*clips, *effects]}),
        "markers": stored.get("markers") if isinstance(stored.get("markers"), list) else [],
        "progress": [],
        "history": {"undo": [], "redo": []},
        "version": dict(OPENSHOT_VERSION),
        "montage": {"project": project.pk, "name": project.name},
    }


def _reader(probe: dict, path: str) -> dict:
    """A file's probe as libopenshot's reader JSON: its `path`, and `pixel_format` as libopenshot's number.

    libopenshot's ReaderBase refuses a reader whose pixel_format is not an
    integer (Montage's probe keeps FFmpeg's name); stills report -1 as
    QtImageReader does.
    """
    reader = {**probe, "path": path}
    name = probe.get("pixel_format")
    if probe.get("type") == "FFmpegReader" and name in AV_PIXEL_FORMATS:
        reader["pixel_format"] = AV_PIXEL_FORMATS[name]
    elif not isinstance(name, int) or isinstance(name, bool):
        reader["pixel_format"] = -1
    return reader


def project_settings(project: Project) -> dict[str, Any]:
    """The project's frame rate, size and audio settings, as an OpenShot project file holds them."""
    return {
        "fps": {"num": project.fps_num, "den": project.fps_den},
        "width": project.width,
        "height": project.height,
        "sample_rate": project.sample_rate,
        "channels": project.channels,
        "channel_layout": project.channel_layout,
    }


def _file_osp(file: File, reader: dict) -> dict:
    return {**reader, "id": str(file.pk), "name": file.name, "media_type": (file.json or {}).get("media_type", "")}


def _clip_osp(clip: Clip, reader: dict, file: File) -> dict:
    complete = clip_json_complete(clip.json or {})
    complete.setdefault("title", file.name)
    return {
        **complete,
        "id": str(clip.pk),
        "file_id": str(file.pk),
        "layer": clip.layer,
        "position": clip.position,
        "start": clip.start,
        "end": clip.end,
        "duration": clip.duration,
        "reader": reader,
    }


def _effect_osp(effect: Effect) -> dict:
    return {
        **(effect.json or {}),
        "id": str(effect.pk),
        "class_name": effect.type,
        "type": effect.type,
        "name": effect.title or effect.type,
        "title": effect.title,
        "layer": effect.layer,
        "position": effect.position,
        "start": effect.start,
        "end": effect.end,
        "duration": effect.duration,
    }


def _profile_name(width: int, height: int, fps: Fraction) -> str:
    rate = f"{float(fps):.2f}".rstrip("0").rstrip(".")
    return f"{PROFILE_NAMES.get((width, height), f'{width}x{height}')} {rate} fps"


def _layers(stored: Any, used: set[int]) -> list[dict]:
    layers = [dict(layer) for layer in stored if isinstance(layer, dict)] if isinstance(stored, list) else []
    have = {layer.get("number") for layer in layers}
    for number in sorted(used - have):
        layers.append({"id": f"L{number}", "label": "", "number": number, "y": 0, "lock": False})
    return sorted(layers, key=lambda layer: layer.get("number") if isinstance(layer.get("number"), (int, float)) else 0)


# --- reading -------------------------------------------------------------------------------------


def plan_from_osp(data: dict[str, Any]) -> LoadPlan:
    """A LoadPlan from OpenShot project JSON; ValidationError (400) naming the first problem."""
    if not PROJECT_KEYS & set(data):
        raise invalid("Not an OpenShot project: it has none of fps, width, height, files, clips or effects.")
    plan = LoadPlan(settings=_settings(data))
    for key in PROJECT_JSON_KEYS:
        if key in data and data[key] is not None:
            plan.project_json[key] = data[key]
    files = _list(data, "files")
    clips = _list(data, "clips")
    effects = _list(data, "effects")
    by_path = {}
    for index, entry in enumerate(files, start=1):
        planned = _planned_file(entry, index)
        plan.files.append(planned)
        by_path.setdefault(planned.path, planned.key)
    for index, entry in enumerate(clips, start=1):
        plan.clips.append(_planned_clip(entry, index, by_path))
    for index, entry in enumerate(effects, start=1):
        plan.effects.append(_planned_effect(entry, index))
    plan.check_references()
    return plan


def _list(data: dict, key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise invalid(f"{key} must be a list.")
    if len(value) > MAX_OBJECTS:
        raise invalid(f"{key} holds {len(value)} items; a project may hold at most {MAX_OBJECTS}.")
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise invalid(f"{key}[{index}] must be an object.")
    return value


def _settings(data: dict) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if "fps" in data:
        fps = data["fps"]
        if not isinstance(fps, dict):
            raise invalid('fps must be {"num": ..., "den": ...}.')
        num, den = _integer(fps.get("num"), "fps.num", 1, 1_000_000), _integer(fps.get("den"), "fps.den", 1, 1_000_000)
        if num / den > MAX_FPS:
            raise invalid(f"fps {num}/{den} is above {MAX_FPS} fps.")
        settings.update(fps_num=num, fps_den=den)
    for key, low, high in (("width", 1, MAX_DIMENSION), ("height", 1, MAX_DIMENSION), ("sample_rate", 1000, 768_000),
                           ("channels", 1, 64)):
        if data.get(key) is not None:
            settings[key] = _integer(data[key], key, low, high)
    if data.get("channel_layout") is not None:
        layout = _integer(data["channel_layout"], "channel_layout", 0, 2**62)
        if layout not in ChannelLayout.values:
            raise invalid(f"channel_layout {layout} is not one of OpenShot's layouts (3 stereo, 4 mono, 1551 5.1 ...).")
        settings["channel_layout"] = layout
    return settings


def _planned_file(entry: dict, index: int) -> PlannedFile:
    key = _key(entry.get("id"), f"files[{index}].id")
    path = entry.get("path")
    if not isinstance(path, str) or not path.strip():
        raise invalid(f"files[{index}] needs a path (where its media is).")
    client = {k: v for k, v in entry.items() if k not in PROBE_KEYS and k not in ("id", "path", "media_type", "image")}
    name = entry.get("name") if isinstance(entry.get("name"), str) else posixpath.basename(path.replace("\\", "/"))
    return PlannedFile(key=key, path=path.strip(), json=client, name=name)


def _planned_clip(entry: dict, index: int, by_path: dict[str, str]) -> PlannedClip:
    where = f"clips[{index}]"
    file_key = entry.get("file_id")
    if file_key in (None, ""):
        reader = entry.get("reader")
        file_key = by_path.get(reader.get("path")) if isinstance(reader, dict) else None
        if file_key is None:
            raise invalid(f"{where} needs a file_id naming one of the project's files.")
    position, start, end = _timing(entry, where, default_end=None)
    json = {k: v for k, v in entry.items() if k not in CLIP_FIELDS}
    problems = clip_json_errors(json)
    if problems:
        raise invalid(f"{where}: {'; '.join(problems)}")
    return PlannedClip(file_key=_key(file_key, f"{where}.file_id"), position=position, start=start, end=end,
                       layer=_integer(entry.get("layer", 1), f"{where}.layer", -10**9, 10**9), json=json)


def _planned_effect(entry: dict, index: int) -> PlannedEffect:
    where = f"effects[{index}]"
    kind = entry.get("class_name") or entry.get("type")
    if not isinstance(kind, str) or not EFFECT_TYPE.match(kind) or len(kind) > 64:
        raise invalid(f"{where} needs a class_name, a libopenshot effect name such as \"Blur\".")
    position, start, end = _timing(entry, where, default_end=10.0)
    json = {k: v for k, v in entry.items() if k not in EFFECT_FIELDS}
    for name, value in json.items():
        if isinstance(value, dict) and "Points" in value and (problem := curve_error(value)):
            raise invalid(f"{where}.{name}: {problem}")
    title = entry.get("title") if isinstance(entry.get("title"), str) else entry.get("name")
    return PlannedEffect(type=kind, title=(title if isinstance(title, str) else "")[:255], position=position,
                         start=start, end=end,
                         layer=_integer(entry.get("layer", 1), f"{where}.layer", -10**9, 10**9), json=json)


def _timing(entry: dict, where: str, *, default_end: float | None) -> tuple[float, float, float]:
    position = _seconds(entry.get("position", 0.0), f"{where}.position")
    start = _seconds(entry.get("start", 0.0), f"{where}.start")
    raw_end = entry.get("end", default_end)
    if raw_end is None:
        raise invalid(f"{where} needs an end (seconds into its file).")
    end = _seconds(raw_end, f"{where}.end")
    if end <= start:
        raise invalid(f"{where}: end ({end:g}) must be after start ({start:g}).")
    return position, start, end


def _seconds(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= MAX_TIMELINE_SECONDS:
        raise invalid(f"{where} must be a number of seconds from 0 to {MAX_TIMELINE_SECONDS:g} (got {value!r}).")
    return float(value)


def _integer(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{where} must be a whole number from {low} to {high} (got {value!r}).")
    return value


def _key(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise invalid(f"{where} must be a string or number id.")
    return str(value).strip()
