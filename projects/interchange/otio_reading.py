"""OpenTimelineIO documents read back into a LoadPlan (`load/` of `.otio` JSON).

A timeline Montage exported (`metadata["montage"]` version 1) is restored
exactly: every clip's json, the timeline effects, the settings. A foreign
one loads by its cuts: video tracks become layers 1, 2 ... (bottom first),
audio tracks the layers above them; a video-track clip's own sound is
muted and an audio-track clip's picture hidden, as the other editor had
them. Transitions are skipped (the cut stays where it is), nested stacks
are refused, and anything OTIO cannot compute is a 400.
"""

from __future__ import annotations

import json
import math
import posixpath
from fractions import Fraction
from typing import Any

import opentimelineio as otio
from django.core.exceptions import ValidationError
from opentimelineio import opentime

from projects.interchange.editorial import MONTAGE
from projects.interchange.osp import plan_from_osp
from projects.interchange.plan import LoadPlan, PlannedClip, PlannedFile, invalid
from projects.properties import constant_curve

#: fps written as an approximate float by other tools, and the exact rate meant
NTSC_RATES = {23.976: Fraction(24000, 1001), 29.97: Fraction(30000, 1001), 47.952: Fraction(48000, 1001),
              59.94: Fraction(60000, 1001), 119.88: Fraction(120000, 1001)}


def is_otio(data: Any) -> bool:
    return isinstance(data, dict) and "OTIO_SCHEMA" in data


def plan_from_otio(data: dict) -> LoadPlan:
    """A LoadPlan from OTIO JSON (a Timeline, or a collection holding one)."""
    try:
        loaded = otio.adapters.read_from_string(json.dumps(data), "otio_json")
    except (otio.exceptions.OTIOError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise invalid(f"Not an OpenTimelineIO document that can be read ({error}).") from error
    timeline = _the_timeline(loaded)
    try:
        montage = _plain(timeline.metadata.get(MONTAGE))
        if isinstance(montage, dict) and montage.get("version") == 1:
            return _montage_plan(timeline, montage)
        return _foreign_plan(timeline)
    except (otio.exceptions.OTIOError, ValueError, TypeError, ZeroDivisionError) as error:
        if isinstance(error, ValidationError):
            raise
        raise invalid(f"The OpenTimelineIO timeline cannot be loaded ({error}).") from error


def _plain(value: Any) -> Any:
    """OTIO metadata (AnyDictionary / AnyVector) as plain dicts and lists."""
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if hasattr(value, "items"):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "__iter__"):
        return [_plain(item) for item in value]
    return value


def _the_timeline(loaded) -> otio.schema.Timeline:
    if isinstance(loaded, otio.schema.Timeline):
        return loaded
    if isinstance(loaded, otio.schema.SerializableCollection):
        timelines = [item for item in loaded if isinstance(item, otio.schema.Timeline)]
        if len(timelines) == 1:
            return timelines[0]
    raise invalid("The OpenTimelineIO document must hold exactly one Timeline.")


def _items(timeline: otio.schema.Timeline):
    """(track index, track, clip, timeline range) of every clip; nested compositions are refused."""
    for track_index, track in enumerate(timeline.tracks):
        if not isinstance(track, otio.schema.Track):
            raise invalid("Nested stacks at the top of the timeline are not supported; flatten the timeline first.")
        if not track.enabled:
            continue
        for index, item in enumerate(track):
            if isinstance(item, (otio.schema.Gap, otio.schema.Transition)):
                continue  # transitions are not imported: the cut stays where it is
            if not isinstance(item, otio.schema.Clip):
                raise invalid(f"Track {track.name or track_index + 1} holds a nested {item.schema_name()}; flatten it first.")
            yield track_index, track, item, track.range_of_child_at_index(index)


def _seconds(time: opentime.RationalTime) -> float:
    return max(0.0, float(time.to_seconds()))


def _media_path(clip: otio.schema.Clip) -> str:
    reference = clip.media_reference
    if not isinstance(reference, otio.schema.ExternalReference) or not reference.target_url:
        raise invalid(f"The clip {clip.name!r} has no media file (an external reference) to load.")
    return reference.target_url


def _montage_plan(timeline: otio.schema.Timeline, montage: dict) -> LoadPlan:
    files: dict[str, dict] = {}
    clips = []
    for _index, _track, item, _range in _items(timeline):
        data = _plain(item.metadata.get(MONTAGE)) or {}
        if "audio_of" in data:
            continue  # the sound of a picture clip, which carries its own
        path = _media_path(item)
        reference_data = _plain(item.media_reference.metadata.get(MONTAGE)) or {}
        key = str(reference_data.get("file_id", path))
        files.setdefault(key, {"id": key, "path": path, "name": item.media_reference.name or posixpath.basename(path),
                               "alternatives": [reference_data["path"]] if reference_data.get("path") else []})
        clip = data.get("json") if isinstance(data.get("json"), dict) else {}
        clip.update(file_id=key, layer=data.get("layer", 1), position=data.get("position", 0.0),
                    start=data.get("start", 0.0), end=data.get("end"))
        clips.append(clip)
    osp = {**(montage.get("settings") or {}), **(montage.get("project_json") or {}),
           "files": [{k: v for k, v in entry.items() if k != "alternatives"} for entry in files.values()],
           "clips": clips,
           "effects": [{**(e.get("json") or {}), "class_name": e.get("type"), "title": e.get("title", ""),
                        "position": e.get("position"), "start": e.get("start"), "end": e.get("end"),
                        "layer": e.get("layer", 1)} for e in montage.get("effects") or [] if isinstance(e, dict)]}
    plan = plan_from_osp(osp)
    for planned in plan.files:
        planned.alternatives = tuple(files[planned.key]["alternatives"])
    return plan


def _foreign_plan(timeline: otio.schema.Timeline) -> LoadPlan:
    tracks = [t for t in timeline.tracks if isinstance(t, otio.schema.Track) and t.enabled]
    video = [t for t in tracks if t.kind == otio.schema.TrackKind.Video]
    audio = [t for t in tracks if t.kind == otio.schema.TrackKind.Audio]
    layers = {id(track): number for number, track in enumerate([*video, *audio], start=1)}
    plan = LoadPlan(settings=_foreign_settings(timeline))
    files: dict[str, PlannedFile] = {}
    for _index, track, item, record in _items(timeline):
        path = _media_path(item)
        if path not in files:
            name = item.media_reference.name or posixpath.basename(path.rstrip("/")) or "media"
            files[path] = PlannedFile(key=path, path=path, json={"name": name}, name=name)
        source = item.trimmed_range()
        available = item.media_reference.available_range
        start = _seconds(source.start_time - available.start_time) if available else _seconds(source.start_time)
        duration = float(source.duration.to_seconds())
        if duration <= 0:
            continue
        json = {"has_audio": constant_curve(0)} if track.kind == otio.schema.TrackKind.Video and audio else {}
        if track.kind == otio.schema.TrackKind.Audio:
            json = {"has_video": constant_curve(0)}
        plan.clips.append(PlannedClip(file_key=path, position=_seconds(record.start_time), start=start,
                                      end=start + duration, layer=layers[id(track)], json=json))
    plan.files = list(files.values())
    return plan


def _foreign_settings(timeline: otio.schema.Timeline) -> dict:
    rates = [track.duration().rate for track in timeline.tracks if isinstance(track, otio.schema.Track) and len(track)]
    rate = rates[0] if rates else None
    if not rate or rate <= 0 or not math.isfinite(rate):
        return {}
    fps = next((exact for approx, exact in NTSC_RATES.items() if abs(rate - approx) < 0.01), None)
    fps = fps or Fraction(rate).limit_denominator(1001)
    if fps > 1000:
        return {}
    return {"fps_num": fps.numerator, "fps_den": fps.denominator}

