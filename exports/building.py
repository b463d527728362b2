"""From database rows to the renderer's plain data.

The renderer knows nothing of Django: this module reads an export, its
project, clips, files and effects, and hands over frozen dataclasses with
local media paths and the export's settings (project defaults, overridden
by the export's `json`).

It is also the trust boundary for files an effect reads (Mask's `reader`):
the client's json names one of the owner's own Files (by id, API URL,
storage name or media URL), `reader_file` finds it, and the renderer gets
that File's local media as `Effect.sources`; a path written in the json
never reaches ffmpeg. Anything else fails the render with the reason.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from fractions import Fraction
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from config.media.effects import reader_properties
from exports.formats import muxer_name
from exports.models import Export, ExportType
from exports.options import parse_fps
from exports.renderer import Clip, Effect, Media, Output, RenderError, Timeline
from exports.renderer.timeline import effects_from_json
from media_assets.models import File
from media_assets.services import file_local_path
from projects.models import Clip as ClipRow
from projects.models import Effect as EffectRow
from projects.models import Project

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "bmp", "ppm", "tiff", "webp", "gif"}
#: file extension of each muxer whose name is not its usual extension
MUXER_EXTENSIONS = {"matroska": "mkv", "ipod": "m4a", "mpegts": "ts", "mpeg": "mpg", "image2": "png"}


def media_for(file: File) -> Media:
    probe = file.json or {}
    fps = probe.get("fps") or {}
    try:
        rate = Fraction(int(fps.get("num", 30)), int(fps.get("den", 1)) or 1)
    except (TypeError, ValueError):
        rate = Fraction(30, 1)
    try:
        path = file_local_path(file)
    except FileNotFoundError:
        raise RenderError(f"The media of file {file.pk} ({file.name}) is missing from storage.") from None
    return Media(
        path=path,
        media_type=probe.get("media_type") or "video",
        has_video=bool(probe.get("has_video")),
        has_audio=bool(probe.get("has_audio")),
        width=int(probe.get("width") or 0),
        height=int(probe.get("height") or 0),
        fps=rate if rate > 0 else Fraction(30, 1),
        duration=float(probe.get("duration") or 0.0),
        sample_rate=int(probe.get("sample_rate") or 0),
        channels=int(probe.get("channels") or 0),
    )


#: the API URL of a File (…/files/12/), as a reader's "url" or "file" may give it
FILE_URL = re.compile(r"/files/(\d+)/?$")
MEDIA_URL_PREFIX = "/media/"


class ReaderRefused(RenderError):
    """An effect's reader is not one of the owner's files (the message says so)."""


def reader_file(reader: Any, *, owner, where: str) -> File | None:
    """The owner's File that a reader names, None when there is no reader; ReaderRefused for anything else.

    A reader is an object (or a bare string, taken as its path): `id`,
    `file_id`, `file` or `url` may give the File's id or API URL; otherwise
    `path` must be the storage name or media URL of one of the owner's files.
    """
    if reader in (None, "", {}):
        return None
    refused = ReaderRefused(f"Mask reader of {where} must be one of your files.")
    if isinstance(reader, str):
        reader = {"path": reader}
    if not isinstance(reader, Mapping):
        raise refused
    mine = File.objects.filter(owner=owner)
    for key in ("id", "file_id", "file", "url"):
        pk = _file_pk(reader.get(key))
        if pk is not None:
            found = mine.filter(pk=pk).first()
            if found is None:
                raise refused
            return found
    names = {name for name in (_storage_name(reader.get(key)) for key in ("path", "url", "file")) if name}
    if not names:
        raise refused
    found = mine.filter(media__in=names).order_by("id").first()
    if found is None:
        raise refused
    return found


def _file_pk(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 18:
            return int(text)
        match = FILE_URL.search(urlsplit(text).path)
        if match:
            return int(match.group(1))
    return None


def _storage_name(value: Any) -> str | None:
    """A storage name from a path ("files/3/mask.png") or a media URL ("https://host/media/files/3/mask.png")."""
    if not isinstance(value, str) or not value.strip():
        return None
    path = unquote(urlsplit(value.strip()).path)
    name = posixpath.normpath(path.removeprefix(MEDIA_URL_PREFIX))
    if name.startswith(("/", "..")) or name == ".":
        return None  # a server path, never a storage name
    return name


def with_sources(effect: Effect, *, owner, where: str, medias: dict[int, Media] | None = None) -> Effect:
    """The effect with the files it reads resolved to the owner's media (`Effect.sources`)."""
    medias = {} if medias is None else medias
    sources = {}
    for name in reader_properties(effect.type):
        file = reader_file((effect.properties or {}).get(name), owner=owner, where=where)
        if file is not None:
            sources[name] = cached_media_for(file, medias)
    return replace(effect, sources=sources)


def cached_media_for(file: File, medias: dict[int, Media]) -> Media:
    """`media_for(file)`, made once per file for a whole timeline (`medias` holds them by file id)."""
    if file.pk not in medias:
        medias[file.pk] = media_for(file)
    return medias[file.pk]


def clip_for(row: ClipRow, media: Media, *, owner=None, medias: dict[int, Media] | None = None) -> Clip:
    """The clip, with the effects in its json as Effect objects whose readers are resolved."""
    properties = dict(row.json or {})
    owner = owner if owner is not None else row.owner
    where = f"clip {row.pk}"
    nested = effects_from_json(properties.pop("effects", None), owner=where)
    effects = tuple(with_sources(effect, owner=owner, where=where, medias=medias) for effect in nested)
    return Clip(id=row.pk, media=media, position=row.position, start=row.start, end=row.end, layer=row.layer,
                properties=properties, effects=effects)


def effect_for(row: EffectRow, *, owner=None, medias: dict[int, Media] | None = None) -> Effect:
    effect = Effect(id=row.pk, type=row.type, properties=row.json or {}, layer=row.layer, position=row.position,
                    start=row.start, end=row.end)
    owner = owner if owner is not None else row.owner
    return with_sources(effect, owner=owner, where=f"effect {row.pk}", medias=medias)


def image_format_of(export: Export) -> str:
    candidate = export.video_format.lower().rsplit(".", 1)[-1].lstrip("%0123456789d")
    if candidate in IMAGE_EXTENSIONS:
        return "jpg" if candidate == "jpeg" else candidate
    return str((export.json or {}).get("image_format", "png")).lower()


def output_for(export: Export, project: Project, *, start_frame: int | None = None, end_frame: int | None = None) -> Output:
    overrides = export.json or {}
    fps = parse_fps(overrides["fps"]) if "fps" in overrides else Fraction(project.fps_num, project.fps_den)
    return Output(
        export_type=export.export_type,
        width=int(overrides.get("width", project.width)),
        height=int(overrides.get("height", project.height)),
        fps=fps,
        sample_rate=int(overrides.get("sample_rate", project.sample_rate)),
        channels=int(overrides.get("channels", project.channels)),
        channel_layout=int(overrides.get("channel_layout", project.channel_layout)),
        video_format=muxer_name(export.video_format),
        video_codec=export.video_codec,
        video_bitrate=str(export.video_bitrate),
        audio_codec=export.audio_codec,
        audio_bitrate=str(export.audio_bitrate),
        start_frame=start_frame or export.start_frame,
        end_frame=end_frame if end_frame is not None else export.end_frame,
        preset=overrides.get("preset"),
        image_format=image_format_of(export),
        image_quality=int(overrides.get("image_quality", 100)),
        wave_color=str(overrides.get("wave_color", "#00ff00")),
        wave_background_color=str(overrides.get("wave_background_color", "#000000")),
    )


def project_timeline(project: Project, output: Output, *, owner=None) -> Timeline:
    """The project's timeline; effects may read only files of `owner` (the project's owner by default)."""
    owner = owner if owner is not None else project.owner
    clip_rows = list(ClipRow.objects.filter(project=project).select_related("file").order_by("layer", "position", "id"))
    medias: dict[int, Media] = {}
    clips = []
    for row in clip_rows:
        clips.append(clip_for(row, cached_media_for(row.file, medias), owner=owner, medias=medias))
    effects = tuple(effect_for(row, owner=owner, medias=medias)
                    for row in EffectRow.objects.filter(project=project).order_by("layer", "position", "id"))
    return Timeline(clips=tuple(clips), effects=effects, output=output)


def build_timeline(export: Export) -> Timeline:
    return project_timeline(export.project, output_for(export, export.project), owner=export.owner)


def output_extension(export: Export) -> str:
    """The rendered file's extension ('' for an image sequence, which renders into a folder)."""
    if export.export_type == ExportType.IMAGE_SEQUENCE:
        return ""
    if export.export_type in (ExportType.IMAGE,):
        return "." + image_format_of(export)
    if export.export_type == ExportType.WAVEFORM:
        return ".png"
    muxer = muxer_name(export.video_format)
    return "." + MUXER_EXTENSIONS.get(muxer, muxer)
