"""The effects this renderer draws: each effect kind paired with its translator.

The kinds, their properties and defaults are `config.media.effects`
(shared with the API, which answers an effect's json from them); here each
kind gets the function that turns one effect on one clip into filters (see
the `effect_filters` package) and a note on how the result differs from
libopenshot's. `effect_catalog()` describes them for `/info/effects/`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

from config.media.effects import EFFECT_KINDS, EffectKind

from . import effect_filters as filters
from .captions import caption
from .effect_filters import EffectContext, EffectStep
from .errors import RenderError


@dataclass(frozen=True)
class EffectSpec(EffectKind):
    """An effect kind this renderer draws: its translator, and how its rendering differs from libopenshot's."""

    translate: Callable[[EffectContext], EffectStep]
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        return {**super().as_json(), "notes": self.notes}


#: class name -> (translator, notes)
TRANSLATORS: dict[str, tuple[Callable[[EffectContext], EffectStep], str]] = {
    "Brightness": (filters.brightness, "YUV equivalent of libopenshot's RGB formula (eq filter)."),
    "Saturation": (filters.saturation,
                   "Chroma scaling (hue filter); libopenshot mixes RGB with perceived brightness."),
    "Hue": (filters.hue, "Rotation of the chroma plane (hue filter)."),
    "Blur": (filters.blur, "Gaussian blur with the variance of libopenshot's repeated box blur."),
    "Negate": (filters.negate, ""),
    "Deinterlace": (filters.deinterlace, "yadif interpolation instead of keeping one field and stretching it."),
    "Pixelate": (filters.pixelate, "Square blocks of 1/(1-pixelization) pixels."),
    "Crop": (filters.crop, "Offsets and resize must be constant; margins may be animated."),
    "ChromaKey": (filters.chroma_key, "RGB distance keying (colorkey); other key methods render as basic."),
    "Caption": (caption, "drawtext; styling values are read at the effect's first frame, line wrapping is estimated,"
                         " the background has square corners."),
    "Mask": (filters.mask, "replace_image shows the mask as grey."),
    "Shift": (filters.shift, "rgbashift with wrapping edges (RGB round trip of the picture)."),
    "Wave": (filters.wave,
             "geq per-pixel expression (slower than the other effects; keyframes as per-frame expressions)."),
}


def _spec(kind: EffectKind) -> EffectSpec:
    translate, notes = TRANSLATORS[kind.class_name]  # a kind without a translator fails here, at import
    return EffectSpec(**{field.name: getattr(kind, field.name) for field in fields(EffectKind)},
                      translate=translate, notes=notes)


EFFECTS: dict[str, EffectSpec] = {name: _spec(kind) for name, kind in EFFECT_KINDS.items()}


def effect_catalog() -> list[dict[str, Any]]:
    """JSON-serialisable descriptions of every supported effect, for `/info/effects/`."""
    return [EFFECTS[name].as_json() for name in sorted(EFFECTS)]


def effect_spec(kind: str, *, owner: str) -> EffectSpec:
    spec = EFFECTS.get(kind)
    if spec is None:
        known = ", ".join(sorted(EFFECTS))
        raise RenderError(
            f"The effect '{kind}' ({owner}) is not supported by this renderer. Supported effects: {known}.")
    return spec
