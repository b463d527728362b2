"""Project thumbnails: one rendered frame of the timeline, made by a worker and kept in the media storage.

ffmpeg never runs inside a request. The frame's storage name is derived
from the project's state and the parameters (`_state_key`), under
`thumbnails/projects/<project id>/`; the request answers from storage
when it is there, else asks a worker through a `Job` row (kind
`project-frame`, reused while pending for the same key) and waits a
bounded time (PREVIEW_WAIT_SECONDS) for the row to say completed or
failed. The worker stores the image in the media storage (local, S3 or
Azure), so the web server and the workers need share only the database
and the storage. Each project keeps its newest THUMBNAILS_KEPT frames (a
newer state's frames push the older ones out); all go with the project.
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
from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage
from django.db.models import Max

from config.jobs.machine import JobCancelled, JobFailed, JobReporter, job_create, job_run
from config.jobs.models import ACTIVE_STATUSES, FINISHED_STATUSES, Job, JobStatus, job_target
from config.jobs.registry import JobKind
from config.media.image_formats import image_format as image_format_named
from exports.building import output_for, project_timeline
from exports.models import Export, ExportType
from exports.rasterising import rasterise_vector_media
from exports.renderer import RenderCancelled, RenderError, build_render, run_render, timeline_frame_count
from media_assets.thumbnails import reencode
from projects.models import Clip, Effect, Project

log = logging.getLogger("montage.render")

PROJECT_FRAME_JOB = JobKind(name="project-frame", model=Job, actor_name="render_project_frame",
                            noun="project thumbnail")
#: stored frames kept per project (the newest; older ones are deleted from storage)
THUMBNAILS_KEPT = 16
#: how long the worker lets ffmpeg take for one frame
FRAME_TIME_LIMIT = 60


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


def thumbnail_folder(project_id: int) -> str:
    return f"thumbnails/projects/{project_id}/"


def project_thumbnail(*, project: Project, params: dict, wait_seconds: float | None = None) -> tuple[str, str]:
    """The frame in the media storage: (storage name, MIME type), rendered by a worker if not stored yet."""
    if not Clip.objects.filter(project=project).exists():
        raise PreviewUnavailable("The project has no clips, so there is no frame to show.")
    fmt = image_format_named(params["image_format"])
    key = _state_key(project, params)
    name = f"{thumbnail_folder(project.pk)}{key}{fmt.suffix}"
    if default_storage.exists(name):
        return name, fmt.mime_type
    job = (Job.objects.filter(kind=PROJECT_FRAME_JOB.name, key=key, status__in=ACTIVE_STATUSES).order_by("-id").first()
           or job_create(kind=PROJECT_FRAME_JOB.name, target=job_target(project), key=key,
                         params={**params, "project": project.pk, "storage_name": name}))
    return _wait_for(job.pk, wait_seconds or settings.PREVIEW_WAIT_SECONDS), fmt.mime_type


def _wait_for(job_id: int, seconds: float) -> str:
    """The stored frame's name once the job completed; PreviewUnavailable with its reason if it failed."""
    deadline = time.monotonic() + seconds
    pause = 0.02
    while True:
        row = Job.objects.filter(pk=job_id).values_list("status", "result", "error").first()
        if row is None:
            raise PreviewUnavailable("The project was deleted while its frame was being made.")
        status, result, error = row
        if status == JobStatus.COMPLETED:
            return result["storage_name"]
        if status == JobStatus.FAILED:
            raise PreviewUnavailable(error or "The frame could not be made.")
        if time.monotonic() > deadline:
            raise PreviewTimedOut("The frame is taking too long to render; try again shortly.")
        time.sleep(pause)
        pause = min(pause * 1.5, 0.2)


# --- the worker side ---------------------------------------------------------------------------


def project_frame_render(*, job_id: int) -> None:
    """Worker side: render the job's frame and store it; the job row says how it ended."""
    job_run(kind=PROJECT_FRAME_JOB.name, pk=job_id, work=_render_frame)


def _render_frame(job: Job, reporter: JobReporter) -> dict:
    params = job.params
    name = params["storage_name"]
    if default_storage.exists(name):  # another job for the same key stored it first
        return {"storage_name": name}
    project = Project.objects.filter(pk=params["project"]).first()
    if project is None:
        raise JobFailed("The project was deleted.")
    workdir = Path(tempfile.mkdtemp(prefix="montage-frame-"))
    try:
        rendered = _render_into(project, params, workdir, reporter)
        with open(rendered, "rb") as handle:
            stored = default_storage.save(name, DjangoFile(handle))
    except RenderCancelled:
        raise JobCancelled() from None
    except (RenderError, ValueError) as error:  # the waiting request reports it as a 400 with this text
        raise JobFailed(str(error) or error.__class__.__name__) from None
    except Exception as error:
        log.error("project %s frame failed on an unexpected error", project.pk, exc_info=error)
        raise JobFailed(
            f"The frame could not be made because of an unexpected error in Montage ({type(error).__name__}); "
            "this is a bug in Montage and it has been logged.") from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    _prune(job, stored)
    return {"storage_name": stored}


def _render_into(project: Project, params: dict, workdir: Path, reporter: JobReporter) -> Path:
    """ffmpeg renders the frame (PNG for formats it cannot write, then converted by Pillow)."""
    fmt = image_format_named(params["image_format"])
    rendered_suffix = fmt.suffix if fmt.ffmpeg_writes else ".png"
    export = Export(project=project, export_type=ExportType.IMAGE, video_format=rendered_suffix.lstrip("."),
                    json={"width": params["width"], "height": params["height"],
                          "image_quality": params["image_quality"]})
    timeline = project_timeline(project, output_for(export, project))
    frame = min(params["frame_number"], max(timeline_frame_count(timeline), 1))
    timeline = project_timeline(project, output_for(export, project, start_frame=frame, end_frame=frame))
    rendered = workdir / f"frame{rendered_suffix}"
    timeline = rasterise_vector_media(timeline, workdir=workdir, owner=project.owner)
    run_render(build_render(timeline, output_path=str(rendered), workdir=str(workdir)), time_limit=FRAME_TIME_LIMIT,
               should_cancel=reporter.should_cancel)
    if fmt.ffmpeg_writes:
        return rendered
    data, _ = reencode(str(rendered), params["image_format"], params.get("image_quality", 100))
    converted = workdir / f"frame{fmt.suffix}"
    converted.write_bytes(data)
    return converted


def _prune(job: Job, stored: str) -> None:
    """Keep the project's newest THUMBNAILS_KEPT frames; older ones leave storage (and their job rows go)."""
    finished = Job.objects.filter(kind=PROJECT_FRAME_JOB.name, target=job.target, status__in=FINISHED_STATUSES)
    old = list(finished.exclude(pk=job.pk).order_by("-id").values_list("id", "result__storage_name")[THUMBNAILS_KEPT - 1:])
    if not old:
        return
    kept = set(finished.exclude(pk__in=[pk for pk, _ in old]).values_list("result__storage_name", flat=True))
    kept.add(stored)
    for _, name in old:
        if name and name not in kept:
            default_storage.delete(name)
    Job.objects.filter(pk__in=[pk for pk, _ in old]).delete()
