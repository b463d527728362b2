"""Project thumbnails: one rendered frame of the timeline, made by a worker.

ffmpeg never runs inside a request: the request asks a worker (a queue of
its own, so a thumbnail does not wait behind long renders) and waits a
bounded time for the image. Frames are cached by the timeline's state and
the parameters, so the same request again is served from disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from config.media.image_formats import image_format as image_format_named
from exports.building import output_for, project_timeline
from exports.models import Export, ExportType
from exports.rasterising import rasterise_vector_media
from exports.renderer import RenderError, build_render, run_render, timeline_frame_count
from media_assets.thumbnails import reencode
from projects.models import Clip, Effect, Project

log = logging.getLogger("montage.render")



class PreviewUnavailable(Exception):
    """The frame cannot be made (empty timeline, render error); the message says why."""


class PreviewTimedOut(PreviewUnavailable):
    """No worker rendered the frame in time (busy or none running)."""


def _state_key(project: Project, params: dict) -> str:
    stamps = [
        project.date_updated.isoformat(),
        str(Clip.objects.filter(project=project).aggregate(latest=Max("date_updated"), count=Max("id"))),
        str(Effect.objects.filter(project=project).aggregate(latest=Max("date_updated"), count=Max("id"))),
        str(Clip.objects.filter(project=project).count()),
        str(Effect.objects.filter(project=project).count()),
    ]
    return hashlib.sha256(json.dumps([project.pk, stamps, params], sort_keys=True).encode()).hexdigest()


def _cache_path(key: str, image_format: str) -> Path:
    return Path(settings.THUMBNAIL_CACHE_DIR) / "projects" / f"{key}.{image_format}"


def project_thumbnail(*, project: Project, params: dict, wait_seconds: float | None = None) -> tuple[Path, str]:
    """The frame as an image file (path, MIME type), rendered by a worker if not cached."""
    from exports.tasks import render_project_frame

    if not Clip.objects.filter(project=project).exists():
        raise PreviewUnavailable("The project has no clips, so there is no frame to show.")
    image_format = params["image_format"]
    if not image_format_named(image_format).ffmpeg_writes:  # Pillow converts a PNG frame
        return _converted(project, params, wait_seconds)
    key = _state_key(project, params)
    target = _cache_path(key, image_format)
    if not target.exists():
        target.with_suffix(".error").unlink(missing_ok=True)
        render_project_frame.send(project.pk, params, str(target))
        deadline = time.monotonic() + (wait_seconds or settings.PREVIEW_WAIT_SECONDS)
        while not target.exists():
            failure = target.with_suffix(".error")
            if failure.exists():
                raise PreviewUnavailable(failure.read_text())
            if time.monotonic() > deadline:
                raise PreviewTimedOut("The frame is taking too long to render; try again shortly.")
            time.sleep(0.05)
    return target, image_format_named(image_format).mime_type


def _converted(project: Project, params: dict, wait_seconds: float | None) -> tuple[Path, str]:
    """A frame in a format ffmpeg cannot write: rendered as PNG, then converted (and kept) by Pillow."""
    png, _ = project_thumbnail(project=project, params={**params, "image_format": "png"}, wait_seconds=wait_seconds)
    target = png.with_suffix(f".{params['image_format']}")
    if not target.exists():
        data, _ = reencode(str(png), params["image_format"], params.get("image_quality", 100))
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(target)
    return target, image_format_named(params["image_format"]).mime_type


def project_frame_render(*, project_id: int, params: dict, target: str) -> None:
    """Worker side: render one frame of the project's timeline into `target` (atomically).

    Any failure is written next to the target for the waiting request: the
    render's reason, or for an unexpected exception a plain sentence (its
    traceback is logged once, here).
    """
    target_path = Path(target)
    if target_path.exists():
        return
    target_path.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="montage-frame-"))
    try:
        project = Project.objects.get(pk=project_id)
        image_format = target_path.suffix.lstrip(".")
        export = Export(project=project, export_type=ExportType.IMAGE, video_format=image_format,
                        json={"width": params["width"], "height": params["height"],
                              "image_quality": params["image_quality"]})
        output = output_for(export, project)
        timeline = project_timeline(project, output)
        frame = min(params["frame_number"], max(timeline_frame_count(timeline), 1))
        timeline = project_timeline(project, output_for(export, project, start_frame=frame, end_frame=frame))
        rendered = workdir / f"frame.{image_format}"
        timeline = rasterise_vector_media(timeline, workdir=workdir)
        run_render(build_render(timeline, output_path=str(rendered), workdir=str(workdir)), time_limit=60)
        partial = target_path.with_suffix(target_path.suffix + ".part")
        shutil.copyfile(rendered, partial)
        partial.replace(target_path)
    except (RenderError, ValueError) as error:  # the waiting request reports it as a 400 with this text
        target_path.with_suffix(".error").write_text(str(error) or error.__class__.__name__)
    except Exception as error:
        log.error("project %s frame failed on an unexpected error", project_id, exc_info=error)
        target_path.with_suffix(".error").write_text(
            f"The frame could not be made because of an unexpected error in Montage ({type(error).__name__}); "
            "this is a bug in Montage and it has been logged.")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
