"""libopenshot effects as ffmpeg filters.

Each translator reads the effect's OpenShot properties through an
`EffectContext` and returns an `EffectStep`: filters to append to the
clip's chain (or, for effects that need a second stream, a function that
wires a small sub-graph). A property that is constant over the frames the
effect covers is baked into the filter's arguments; an animated one gets
its first value there and a command (sent by the clip's `sendcmd`) on
every frame where its value changes; a filter that waits on a second
input (an overlay inside the effect) gets a per-frame expression instead,
as commands sent ahead of such a filter can arrive early. Effects act on
the clip's own image before it is scaled and placed, as libopenshot's
clip effects do, or on the scaled image when the effect's json says
"apply_before_clip": false (`video.py` decides which).

Where ffmpeg has no filter with libopenshot's exact arithmetic the
translation is the closest equivalent, noted at each translator
(`effects.py` repeats the notes in the catalog).

The translators live by what they do to the picture: `picture` (one
filter on the image as it is: tone, colour, blur, deinterlacing),
`geometry` (moving, cutting and distorting it: Crop, Pixelate, Shift,
Wave) and `keying` (making parts transparent: Chroma Key, Mask); they
share `context` (what a translator reads and returns) and `color_values`
(OpenShot colours in, ffmpeg colours out).
"""

from .color_values import color_curves, ffmpeg_color
from .context import EffectContext, EffectStep
from .geometry import crop, pixelate, shift, wave
from .keying import chroma_key, mask
from .picture import blur, brightness, deinterlace, hue, negate, saturation

__all__ = [
    "EffectContext",
    "EffectStep",
    "blur",
    "brightness",
    "chroma_key",
    "color_curves",
    "crop",
    "deinterlace",
    "ffmpeg_color",
    "hue",
    "mask",
    "negate",
    "pixelate",
    "saturation",
    "shift",
    "wave",
]
