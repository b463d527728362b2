"""What the renderer is asked to render: plain, frozen data.

The Django side turns database rows into these dataclasses (local media
paths, probed stream facts, the OpenShot json of clips and effects, the
export's settings) and the renderer never looks further. Times are seconds
and frame numbers are 1-based, as in libopenshot (see SPEC §3, "Timeline
semantics"). The limits and enumerations are the API's too
(`config.media.timeline`), so whatever a client may save is renderable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Mapping

from config.media.timeline import (  # noqa: F401 - re-exported: the renderer's modules name them from here
    MAX_TIMELINE_END_SECONDS,
    MAX_TIMELINE_SECONDS,
    Gravity,
    ScaleMode,
    round_half_away,
    seconds_to_frame,
)

from .errors import RenderError


class ExportType:
    """What a render produces (the values of the `exports` app's `ExportType`, which a test pins equal)."""

    VIDEO = "video"
    AUDIO = "audio"
    IMAGE = "image"
    IMAGE_SEQUENCE = "image-sequence"
    WAVEFORM = "waveform"
    ALL = (VIDEO, AUDIO, IMAGE, IMAGE_SEQUENCE, WAVEFORM)


@dataclass(frozen=True)
class Media:
    """A probed source file."""

    path: str  # local filesystem path ffmpeg reads
    media_type: str  # "video" | "image" | "audio"
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    fps: Fraction = Fraction(30, 1)
    duration: float = 0.0  # seconds (images: a still, shown for as long as the clip lasts)
    sample_rate: int = 0
    channels: int = 0

    @property
    def is_image(self) -> bool:
        return self.media_type == "image"

    @property
    def provides_video(self) -> bool:
        return self.has_video and self.media_type != "audio"

    @property
    def provides_audio(self) -> bool:
        return self.has_audio and not self.is_image


@dataclass(frozen=True)
class Effect:
    id: int
    type: str  # libopenshot class name: "Blur", "Brightness", ...
    properties: Mapping[str, Any]  # the effect's OpenShot json (curves / numbers)
    layer: int = 0
    position: float = 0.0
    start: float = 0.0
    end: float = 0.0
    #: the media files the effect reads (Mask's "reader"), by property name: resolved by the caller to local
    #: files it vouches for. A path in `properties` never reaches ffmpeg.
    sources: Mapping[str, Media] = field(default_factory=dict)


@dataclass(frozen=True)
class Clip:
    id: int
    media: Media
    position: float
    start: float
    end: float
    layer: int
    properties: Mapping[str, Any]  # the clip's OpenShot json (keyframe curves, "scale", "gravity", "effects" ...)
    effects: tuple[Effect, ...] = ()

    @property
    def effective_end(self) -> float:
        """libopenshot reads `end == 0` as "to the end of the file"."""
        if self.end == 0 and not self.media.is_image:
            return float(self.media.duration)
        return float(self.end)

    @property
    def duration(self) -> float:
        return self.effective_end - float(self.start)

    def all_effects(self) -> tuple[Effect, ...]:
        """The clip's effects: those given as objects, then those in its json's "effects" list."""
        return self.effects + effects_from_json(self.properties.get("effects"), owner=f"clip {self.id}")


@dataclass(frozen=True)
class Output:
    export_type: str = "video"  # "video" | "audio" | "image" | "image-sequence" | "waveform"
    width: int = 1920
    height: int = 1080
    fps: Fraction = Fraction(30, 1)
    sample_rate: int = 44100
    channels: int = 2
    channel_layout: int = 3  # OpenShot layout values (3 stereo, 4 mono, 7 surround, 1551 5.1 ...)
    video_format: str = "mp4"
    video_codec: str = "libx264"
    video_bitrate: str = "8000000"  # bits/s, or "crf 23" / "cqp 20" / "qp 20"
    audio_codec: str = "aac"
    audio_bitrate: str = "192000"
    start_frame: int = 1
    end_frame: int | None = None  # None or -1: end of the last clip
    preset: str | None = None  # x264-style speed preset
    image_format: str = "png"  # for image / image-sequence
    image_quality: int = 100
    wave_color: str = "#00ff00"
    wave_background_color: str = "#000000"


@dataclass(frozen=True)
class Timeline:
    clips: tuple[Clip, ...]
    effects: tuple[Effect, ...]  # timeline effects: the layer they sit on, over their time span
    output: Output


def clip_last_frame(clip: Clip, fps: Fraction) -> int:
    """The last timeline frame the clip is visible on (1-based)."""
    return seconds_to_frame(float(clip.position) + clip.duration, fps)


def is_timeline_seconds(value: Any, limit: float = MAX_TIMELINE_SECONDS) -> bool:
    """A time frame arithmetic can hold: a finite number of seconds from 0 to `limit` (MAX_TIMELINE_SECONDS)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) \
        and 0 <= value <= limit


def check_times(timeline: Timeline) -> None:
    """Refuse times no frame arithmetic can hold: not finite, negative, or absurdly far (a RenderError)."""
    def check(value: Any, name: str, owner: str, limit: float = MAX_TIMELINE_SECONDS) -> None:
        if not is_timeline_seconds(value, limit):
            raise RenderError(
                f"The {name} of {owner} must be a number of seconds from 0 to {limit:.0f} (it is {value!r})."
            )

    for clip in timeline.clips:
        owner = f"clip {clip.id}"
        for name in ("position", "start", "end"):
            check(getattr(clip, name), name, owner)
        if clip.end == 0 and not clip.media.is_image:  # to the end of the file: the probed duration counts
            check(clip.media.duration, "media duration", owner)
        check(float(clip.position) + max(0.0, clip.duration), "end on the timeline", owner, MAX_TIMELINE_END_SECONDS)
    for effect in timeline.effects:
        owner = f"effect {effect.id}"
        for name in ("position", "start", "end"):
            check(getattr(effect, name), name, owner)
        check(float(effect.position) + max(0.0, float(effect.end) - float(effect.start)), "end on the timeline",
              owner, MAX_TIMELINE_END_SECONDS)


def timeline_frame_count(timeline: Timeline) -> int:
    """Frames from frame 1 to the end of the last clip, at the output frame rate."""
    check_times(timeline)
    fps = timeline.output.fps
    return max((clip_last_frame(clip, fps) for clip in timeline.clips if clip.duration > 0), default=0)


def effects_from_json(raw: Any, *, owner: str) -> tuple[Effect, ...]:
    """A clip json's "effects" list as Effect objects (type from "class_name" or "type")."""
    if raw in (None, ""):
        return ()
    if not isinstance(raw, (list, tuple)):
        raise RenderError(f'The "effects" of {owner} must be a list of effect objects.')
    effects = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise RenderError(f"Effect {index + 1} of {owner} is not an effect object.")
        kind = item.get("class_name") or item.get("type")
        if not isinstance(kind, str) or not kind:
            raise RenderError(f'Effect {index + 1} of {owner} has no "class_name" (such as "Blur").')
        effects.append(Effect(id=index + 1, type=kind, properties=item))
    return tuple(effects)
