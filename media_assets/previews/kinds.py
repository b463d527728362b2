"""The rendition kinds: what each kind of media gets, and what each rendition is (name, type, size).

Pure vocabulary, no Django: the API validates `kinds` against it, the
graph builder and the worker read sizes and file names from it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KindSpec:
    name: str
    #: the stored object's base name (the sprite's is what the VTT's cues point at)
    filename: str
    content_type: str
    #: thumbnails and sprite tiles: the width asked for (never upscaled)
    width: int = 0


THUMBNAIL_SMALL = KindSpec("thumbnail-small", "thumbnail-small.jpg", "image/jpeg", 160)
THUMBNAIL_MEDIUM = KindSpec("thumbnail-medium", "thumbnail-medium.jpg", "image/jpeg", 480)
THUMBNAIL_LARGE = KindSpec("thumbnail-large", "thumbnail-large.jpg", "image/jpeg", 1280)
PROXY = KindSpec("proxy", "proxy.mp4", "video/mp4")
AUDIO_PROXY = KindSpec("proxy", "proxy.m4a", "audio/mp4")
SPRITE = KindSpec("sprite", "sprite.jpg", "image/jpeg", 160)
SPRITE_VTT = KindSpec("sprite-vtt", "sprite.vtt", "text/vtt")
WAVEFORM = KindSpec("waveform", "waveform.json", "application/json")
WAVEFORM_IMAGE = KindSpec("waveform-image", "waveform.png", "image/png")

THUMBNAILS = (THUMBNAIL_SMALL, THUMBNAIL_MEDIUM, THUMBNAIL_LARGE)
#: every kind name, in the order lists show them
KIND_NAMES = ("thumbnail-small", "thumbnail-medium", "thumbnail-large", "proxy", "sprite", "sprite-vtt",
              "waveform", "waveform-image")

#: proxies are at most this many lines
PROXY_MAX_LINES = 720
#: at most this many tiles on the sprite sheet (one per second until then, evenly spaced beyond)
SPRITE_MAX_TILES = 100
SPRITE_COLUMNS = 10


def kinds_for(probe: dict) -> tuple[KindSpec, ...]:
    """The renditions a file with this probe gets (none for what is neither video, audio nor image)."""
    media_type = (probe or {}).get("media_type")
    if media_type == "image" or (probe or {}).get("has_single_image"):
        return THUMBNAILS
    if media_type == "video":
        kinds = (*THUMBNAILS, PROXY, SPRITE, SPRITE_VTT)
        return (*kinds, WAVEFORM, WAVEFORM_IMAGE) if probe.get("has_audio") else kinds
    if media_type == "audio":
        return (AUDIO_PROXY, WAVEFORM, WAVEFORM_IMAGE)
    return ()


def kind_spec(probe: dict, name: str) -> KindSpec | None:
    return next((spec for spec in kinds_for(probe) if spec.name == name), None)
