"""From database rows to the renderer's plain data.

The renderer knows nothing of Django: this module reads an export, its
project, clips, files and effects, and hands over frozen dataclasses with
local media paths and the export's settings (project defaults, overridden
by the export's `json`).
"""

from __future__ import annotations

from fractions import Fraction

from exports.formats import muxer_name
from exports.models import Export, ExportType
from exports.options import parse_fps
from exports.renderer import Clip, Effect, Media, Output, Timeline
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
    return Media(
        path=file_local_path(file),
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


def clip_for(row: ClipRow, media: Media) -> Clip:
    return Clip(id=row.pk, media=media, position=row.position, start=row.start, end=row.end, layer=row.layer,
                properties=row.json or {})


def effect_for(row: EffectRow) -> Effect:
    return Effect(id=row.pk, type=row.type, properties=row.json or {}, layer=row.layer, position=row.position,
                  start=row.start, end=row.end)


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


def project_timeline(project: Project, output: Output) -> Timeline:
    clip_rows = list(ClipRow.objects.filter(project=project).select_related("file").order_by("layer", "position", "id"))
    medias = {}
    clips = []
    for row in clip_rows:
        if row.file_id not in medias:
            medias[row.file_id] = media_for(row.file)
        clips.append(clip_for(row, medias[row.file_id]))
    effects = tuple(effect_for(row) for row in EffectRow.objects.filter(project=project).order_by("layer", "position", "id"))
    return Timeline(clips=tuple(clips), effects=effects, output=output)


def build_timeline(export: Export) -> Timeline:
    return project_timeline(export.project, output_for(export, export.project))


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
