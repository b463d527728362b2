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

from exports.renderer import Media, Timeline
from media_assets.fonts import font_file_paths
from media_assets.svg import looks_like_svg, rasterise_svg, read_svg


def rasterise_vector_media(timeline: Timeline, *, workdir: str | Path) -> Timeline:
    """The timeline with every SVG clip's media replaced by a PNG drawn into `workdir`."""
    box = (timeline.output.width, timeline.output.height)
    drawn: dict[str, Media] = {}
    clips = []
    fonts = None
    for clip in timeline.clips:
        media = clip.media
        if media.is_image and media.path and looks_like_svg(media.path):
            if media.path not in drawn:
                fonts = font_file_paths() if fonts is None else fonts
                drawn[media.path] = _draw(media, box, Path(workdir) / f"vector{len(drawn) + 1}.png", fonts)
            clip = replace(clip, media=drawn[media.path])
        clips.append(clip)
    return replace(timeline, clips=tuple(clips))


def _draw(media: Media, box: tuple[int, int], target: Path, fonts: list[str]) -> Media:
    data, _root = read_svg(media.path)
    png = rasterise_svg(data, box, font_files=fonts)
    target.write_bytes(png)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the PNG's IHDR
    return replace(media, path=str(target), width=width, height=height)
