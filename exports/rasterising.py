"""SVG titles as pictures ffmpeg can read, drawn in a render's work folder.

ffmpeg (as shipped in the imageio-ffmpeg wheel) has no SVG decoder, so
before a render each SVG clip's file is drawn to a PNG with resvg
(`media_assets.svg`, with Montage's fonts only) and the clip is pointed at
that PNG. The graph builder stays pure: it only ever sees a still image.

Like libopenshot's QtImageReader, an SVG is drawn at the largest size that
fits the output frame, keeping its aspect ratio, so scaling it to fit (the
default) never enlarges a small raster and text stays sharp.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from exports.renderer import Effect, Media, Timeline
from media_assets.fonts import font_file_paths
from media_assets.svg import looks_like_svg, rasterise_svg, read_svg


def rasterise_vector_media(timeline: Timeline, *, workdir: str | Path, owner=None) -> Timeline:
    """The timeline with every SVG its clips show or its effects read (a Mask's image) drawn to a PNG in `workdir`.

    Drawn with the fonts `owner` (the project's owner) may use, in bounded
    children like every SVG (media_assets.bounded_work): a render worker is
    no more exposed to a hostile title than a web thread.
    """
    drawer = _Drawer((timeline.output.width, timeline.output.height), Path(workdir), owner)
    clips = tuple(
        replace(clip, media=drawer.media(clip.media), effects=tuple(drawer.effect(effect) for effect in clip.effects))
        for clip in timeline.clips
    )
    effects = tuple(drawer.effect(effect) for effect in timeline.effects)
    return replace(timeline, clips=clips, effects=effects)


class _Drawer:
    """Draws each SVG once per render, with Montage's fonts (read when the first SVG needs them)."""

    def __init__(self, box: tuple[int, int], workdir: Path, owner):
        self.box, self.workdir, self.owner = box, workdir, owner
        self.drawn: dict[str, Media] = {}
        self.fonts: list[str] | None = None

    def media(self, media: Media) -> Media:
        if not (media.is_image and media.path and looks_like_svg(media.path)):
            return media
        if media.path not in self.drawn:
            self.fonts = font_file_paths(owner=self.owner) if self.fonts is None else self.fonts
            target = self.workdir / f"vector{len(self.drawn) + 1}.png"
            self.drawn[media.path] = _draw(media, self.box, target, self.fonts)
        return self.drawn[media.path]

    def effect(self, effect: Effect) -> Effect:
        if not effect.sources:
            return effect
        return replace(effect, sources={name: self.media(media) for name, media in effect.sources.items()})


def _draw(media: Media, box: tuple[int, int], target: Path, fonts: list[str]) -> Media:
    data, _root = read_svg(media.path)
    png = rasterise_svg(data, box, font_files=fonts)
    target.write_bytes(png)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the PNG's IHDR
    return replace(media, path=str(target), width=width, height=height)
