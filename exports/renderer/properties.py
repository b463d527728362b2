"""A clip's OpenShot json read into curves and modes, with libopenshot's defaults.

Only what the renderer acts on is read; a property that would change the
picture in a way this renderer cannot reproduce (shear, a waveform clip)
is refused with a message instead of being silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from config.media.timeline import CLIP_CURVE_DEFAULTS, CLIP_PLAIN_DEFAULTS

from .errors import RenderError
from .keyframes import Curve, curve_from_json
from .timeline import Clip, Gravity, ScaleMode

#: the curves this renderer reads (or refuses: shear), with libopenshot's defaults (Clip::init_settings)
READ_CURVE_DEFAULTS = {name: float(CLIP_CURVE_DEFAULTS[name]) for name in (
    "alpha", "scale_x", "scale_y", "location_x", "location_y", "rotation", "origin_x", "origin_y", "volume", "time",
    "has_audio", "has_video", "shear_x", "shear_y",
)}


@dataclass(frozen=True)
class ClipProperties:
    alpha: Curve
    scale_x: Curve
    scale_y: Curve
    location_x: Curve
    location_y: Curve
    rotation: Curve
    origin_x: Curve
    origin_y: Curve
    volume: Curve
    time: Curve
    has_audio: Curve
    has_video: Curve
    scale: ScaleMode
    gravity: Gravity


def clip_properties(clip: Clip) -> ClipProperties:
    props = clip.properties or {}
    if not isinstance(props, Mapping):
        raise RenderError(f"The json of clip {clip.id} must be an object.")
    owner = f"clip {clip.id}"
    curves = {name: read_curve(props, name, default, owner=owner) for name, default in READ_CURVE_DEFAULTS.items()}
    for name in ("shear_x", "shear_y"):
        if any(point.y != 0 for point in curves[name].points):
            raise RenderError(f"Clip {clip.id} uses {name}, which this renderer does not support; set it to 0.")
    if props.get("waveform") is True:
        raise RenderError(f"Clip {clip.id} asks to be drawn as a waveform, which this renderer does not support.")
    del curves["shear_x"], curves["shear_y"]
    return ClipProperties(
        **curves,
        scale=_enum(props.get("scale"), ScaleMode, ScaleMode(CLIP_PLAIN_DEFAULTS["scale"]), owner, "scale"),
        gravity=_enum(props.get("gravity"), Gravity, Gravity(CLIP_PLAIN_DEFAULTS["gravity"]), owner, "gravity"),
    )


def read_curve(props: Mapping[str, Any], name: str, default: float, *, owner: str) -> Curve:
    try:
        return curve_from_json(props.get(name), default)
    except ValueError as error:
        raise RenderError(f"Property '{name}' of {owner} is not a valid keyframe curve: {error}.") from None


def _enum(raw: Any, kind, default, owner: str, name: str):
    if raw is None:
        return default
    if isinstance(raw, Mapping):  # a curve where a plain number is expected: use its first value
        try:
            raw = curve_from_json(raw, float(default)).first_value
        except ValueError as error:
            raise RenderError(f"Property '{name}' of {owner} is not valid: {error}.") from None
    try:
        number = float(raw)
        if number != int(number):
            raise ValueError
        return kind(int(number))
    except (TypeError, ValueError):
        choices = ", ".join(f"{member.value} ({member.name.lower().replace('_', ' ')})" for member in kind)
        raise RenderError(f"Property '{name}' of {owner} is {raw!r}; expected one of {choices}.") from None
