"""libopenshot's effects as Montage knows them: their class names, properties and defaults.

Effects are named and parameterised as in libopenshot (class names such as
"Blur", property names such as "horizontal_radius"), so OpenShot project
json renders unchanged. This table is the one definition: the API answers
an effect's json complete from it (`effect_json_defaults`), and the
renderer pairs each kind with the filters that draw it (and describes the
pair for `/info/effects/`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from config.media.timeline import constant_curve


@dataclass(frozen=True)
class PropertySpec:
    name: str
    label: str
    type: str  # "float" | "int" | "bool" | "color" | "string" | "text" | "reader"
    default: Any
    min: float | None = None
    max: float | None = None
    keyframable: bool = True
    description: str = ""

    def json_default(self) -> Any:
        """The property as libopenshot writes it in a new effect's json (keyframable numbers as curves)."""
        if self.type == "color" and self.keyframable:
            channels = zip(("red", "green", "blue"), bytes.fromhex(str(self.default).lstrip("#")[-6:]))
            return {**{name: constant_curve(value) for name, value in channels}, "alpha": constant_curve(255)}
        if self.type in ("float", "int") and self.keyframable:
            return constant_curve(self.default)
        return copy.deepcopy(self.default)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "label": self.label, "type": self.type, "default": self.default,
            "min": self.min, "max": self.max, "keyframable": self.keyframable, "description": self.description,
        }


@dataclass(frozen=True)
class EffectKind:
    """One libopenshot effect class: what it is called and the properties it takes."""

    class_name: str
    name: str
    description: str
    properties: tuple[PropertySpec, ...]

    @property
    def defaults(self) -> dict[str, Any]:
        return {prop.name: prop.default for prop in self.properties}

    def json_defaults(self) -> dict[str, Any]:
        """The effect's JSON as libopenshot writes a new one: its identity, then each property at its default
        (keyframable numbers and colours as constant curves)."""
        described = {
            "class_name": self.class_name, "short_name": self.class_name, "name": self.name,
            "description": self.description, "has_video": True, "has_audio": False, "order": 0,
        }
        return {**described, **{prop.name: prop.json_default() for prop in self.properties}}

    def as_json(self) -> dict[str, Any]:
        return {
            "class_name": self.class_name, "type": self.class_name, "name": self.name,
            "description": self.description, "has_video": True, "has_audio": False,
            "properties": [prop.as_json() for prop in self.properties],
        }


def _float(name, label, default, lo, hi, description=""):
    return PropertySpec(name, label, "float", default, lo, hi, True, description)


def _margins(default: float) -> tuple[PropertySpec, ...]:
    return tuple(_float(side, f"{side.title()} margin", default, 0.0, 1.0,
                        f"fraction of the width/height from the {side}")
                 for side in ("left", "top", "right", "bottom"))


#: what a new Caption effect shows (OpenShot's text, ten minutes from the clip's start)
DEFAULT_CAPTION_TEXT = "00:00:00:000 --> 00:10:00:000\nEdit this caption with our caption editor"

EFFECT_KINDS: dict[str, EffectKind] = {kind.class_name: kind for kind in (
    EffectKind(
        "Brightness", "Brightness & Contrast", "Adjust the brightness and contrast of the frame's image.",
        (_float("brightness", "Brightness", 0.0, -1.0, 1.0), _float("contrast", "Contrast", 3.0, 0.0, 100.0)),
    ),
    EffectKind(
        "Saturation", "Color Saturation", "Adjust the color saturation.",
        (_float("saturation", "Saturation", 1.0, 0.0, 4.0),),
    ),
    EffectKind(
        "Hue", "Hue", "Adjust the hue / color of the frame's image.",
        (_float("hue", "Hue", 0.0, 0.0, 1.0, "fraction of a full turn of the colour wheel"),),
    ),
    EffectKind(
        "Blur", "Blur", "Adjust the blur of the frame's image.",
        (_float("horizontal_radius", "Horizontal Radius", 6.0, 0.0, 100.0),
         _float("vertical_radius", "Vertical Radius", 6.0, 0.0, 100.0),
         _float("sigma", "Sigma", 3.0, 0.0, 100.0, "kept for compatibility; libopenshot does not use it"),
         _float("iterations", "Iterations", 3.0, 0.0, 100.0)),
    ),
    EffectKind("Negate", "Negative", "Negates the colors, producing a negative of the image.", ()),
    EffectKind(
        "Deinterlace", "Deinterlace", "Remove interlacing from a video (i.e. even or odd horizontal lines).",
        (PropertySpec("isOdd", "Is Odd Frame", "bool", True, keyframable=False),),
    ),
    EffectKind(
        "Pixelate", "Pixelate", "Pixelate (increase or decrease) the number of visible pixels.",
        (_float("pixelization", "Pixelization", 0.7, 0.0, 0.9999, "0 none, towards 1 huge blocks"), *_margins(0.0)),
    ),
    EffectKind(
        "Crop", "Crop", "Crop out any part of your video.",
        (*_margins(0.0), _float("x", "X Offset", 0.0, -1.0, 1.0), _float("y", "Y Offset", 0.0, -1.0, 1.0),
         PropertySpec("resize", "Resize Image", "bool", False, keyframable=False)),
    ),
    EffectKind(
        "ChromaKey", "Chroma Key (Greenscreen)",
        "Replaces the color (or chroma) of the frame with transparency (i.e. keys out the color).",
        (PropertySpec("color", "Key Color", "color", "#00ff00"),
         _float("fuzz", "Threshold", 5.0, 0.0, 125.0), _float("halo", "Halo", 0.0, 0.0, 125.0),
         PropertySpec("keymethod", "Key Method", "int", 0, 0, 10, False, "only basic keying (0) is rendered")),
    ),
    EffectKind(
        "Caption", "Caption", "Add text captions on top of your video.",
        (PropertySpec("caption_text", "Captions", "text", DEFAULT_CAPTION_TEXT, keyframable=False,
                      description="VTT or SubRip cues; times relative to the clip"),
         PropertySpec("caption_font", "Font", "string", "sans", keyframable=False),
         _float("font_size", "Font Size", 30.0, 0.0, 200.0, "points"),
         _float("font_alpha", "Font Alpha", 1.0, 0.0, 1.0),
         PropertySpec("color", "Color", "color", "#ffffff"),
         PropertySpec("stroke", "Border", "color", "#a9a9a9"),
         _float("stroke_width", "Stroke Width", 0.5, 0.0, 10.0),
         PropertySpec("background", "Background", "color", "#000000"),
         _float("background_alpha", "Background Alpha", 0.0, 0.0, 1.0),
         _float("background_corner", "Background Corner Radius", 10.0, 0.0, 60.0),
         _float("background_padding", "Background Padding", 20.0, 0.0, 60.0),
         _float("fade_in", "Fade In (Seconds)", 0.35, 0.0, 3.0),
         _float("fade_out", "Fade Out (Seconds)", 0.35, 0.0, 3.0),
         _float("left", "Left Size", 0.25, 0.0, 0.5), _float("top", "Top Size", 0.7, 0.0, 1.0),
         _float("right", "Right Size", 0.1, 0.0, 0.5)),
    ),
    EffectKind(
        "Mask", "Alpha Mask / Wipe Transition",
        "Uses a grayscale mask image to gradually wipe / transition between 2 images.",
        (PropertySpec("reader", "Source", "reader", {}, keyframable=False,
                      description='the mask image or video: {"path": "...", "type": "QtImageReader"}'),
         _float("brightness", "Brightness", 0.0, -1.0, 1.0), _float("contrast", "Contrast", 0.0, 0.0, 20.0),
         PropertySpec("replace_image", "Replace Image", "bool", False, keyframable=False)),
    ),
    EffectKind(
        "Shift", "Shift", "Shift the image up, down, left, and right (with infinite wrapping).",
        (_float("x", "X Shift", 0.0, -1.0, 1.0, "fraction of the width; positive moves right, wrapping around"),
         _float("y", "Y Shift", 0.0, -1.0, 1.0, "fraction of the height; positive moves down, wrapping around")),
    ),
    EffectKind(
        "Wave", "Wave", "Distort the frame's image into a wave pattern.",
        (_float("wavelength", "Wave length", 0.06, 0.0, 3.0, "radians of the sine per row"),
         _float("amplitude", "Amplitude", 0.3, 0.0, 5.0),
         _float("multiplier", "Multiplier", 0.2, 0.0, 10.0),
         _float("shift_x", "X Shift", 0.0, 0.0, 1000.0, "added to the sine before scaling"),
         _float("speed_y", "Vertical speed", 0.2, 0.0, 300.0, "radians per frame the wave moves")),
    ),
)}


def effect_json_defaults(class_name: str) -> dict[str, Any]:
    """A new `class_name` effect's json (a fresh copy), or {} for an effect Montage does not know."""
    kind = EFFECT_KINDS.get(class_name)
    return kind.json_defaults() if kind else {}


def reader_properties(class_name: str) -> tuple[str, ...]:
    """The properties of a `class_name` effect that name a media file it reads (Mask's "reader")."""
    kind = EFFECT_KINDS.get(class_name)
    return tuple(prop.name for prop in kind.properties if prop.type == "reader") if kind else ()
