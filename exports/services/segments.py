"""Segment-parallel renders: one long video render split into segment jobs any worker may take, then joined.

The export's worker decides (`export_segments_start`): when the render is
full (not smart), H.264/HEVC in MP4/MOV and `json.segments` asks for it
("auto": longer than 1.5 × RENDER_SEGMENT_SECONDS), it creates one
`export-segment` `Job` per frame range plus one for the sound of the whole
range, hands the export to them (`lease_owner` "segments", no lease: no
worker holds it, the sweeper recovers the segment jobs instead) and
returns: no worker thread ever waits for another job. Each segment job
(`export_segment_render`) renders its range, stores the piece in the
media storage and writes the export's progress (the frame-weighted sum of
its segments'); the one that completes last puts the export back to
pending for the join, which the export's own actor then runs
(`export_segments_join`): the pieces' video bitstreams copied end to end
and the sound muxed beside them, then stored and delivered like any
render. A segment that fails after its attempts fails the export with a
reason naming it; a cancel cancels every segment; the pieces are deleted
after the join, and on failure or cancel.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from config.jobs.machine import (
    CANCELLED as JOB_CANCELLED,
    WORKER_ID,
    JobCancelled,
    JobFailed,
    JobStateError,
    job_cancel,
    job_create,
    job_enqueue,
    job_run,
)
from config.jobs.models import ACTIVE_STATUSES, Job, JobStatus, job_target
from config.jobs.registry import JobKind
from config.media.ffmpeg import FfmpegCancelled, FfmpegFailed, FfmpegTimedOut, run_ffmpeg
from exports.building import build_timeline
from exports.models import Export, ExportStatus
from exports.rasterising import rasterise_vector_media
from exports.renderer import RenderCancelled, RenderError, RenderFailed, RenderTimedOut, Timeline, build_render, run_render
from exports.renderer.segments import (
    audio_timeline,
    concat_list,
    has_sound,
    join_args,
    render_range,
    segment_count,
    segment_ranges,
    segment_timeline,
    segments_choice,
)
from exports.services.attempts import EXPORT_JOB, after_finish, export_time_limit, fail

log = logging.getLogger("montage.render")

SEGMENT_KIND = "export-segment"
#: the export's `lease_owner` while its segments render (no worker holds it)
SEGMENTS_OWNER = "segments"
VIDEO, AUDIO = "video", "audio"


def segment_failure_recorded(job_id: int, reason: str) -> None:
    """A segment job failed (after its attempts, or cancelled): fail its export, naming the segment."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    params = job.params
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=params.get("export")).first()
        if export is None or not _is_rendering_segments(export, params):
            return
        if reason == JOB_CANCELLED or export.status == ExportStatus.CANCEL:
            text = "cancelled"
        else:
            text = f"{describe_part(params)} failed: {reason}"
        fail(export, text)
        transaction.on_commit(lambda: _after_segments_failed(export.pk, params["retry"]))
    log.warning("export %s failed: %s", export.pk, text)


SEGMENT_JOB = JobKind(name=SEGMENT_KIND, model=Job, actor_name="render_export_segment",
                      on_failed=segment_failure_recorded, noun="export segment")


def describe_part(params: dict) -> str:
    if params.get("part") == AUDIO:
        return "the sound (rendered once for the whole range)"
    return (f"segment {params['index'] + 1} of {params['count']} (frames {params['first']}–{params['last']})")


def _is_rendering_segments(export: Export, params: dict) -> bool:
    return (export.status in (ExportStatus.IN_PROGRESS, ExportStatus.CANCEL)
            and export.lease_owner == SEGMENTS_OWNER
            and int((export.json or {}).get("retries", 0)) == int(params.get("retry", -1)))


def _segment_jobs(export_id: int):
    """Every segment job of the export, of any attempt (`target` as `job_target` writes it)."""
    return Job.objects.filter(kind=SEGMENT_KIND, target=f"{Export._meta.label_lower}:{export_id}")


def _parts(export_id: int, retry: int) -> list[Job]:
    return [job for job in _segment_jobs(export_id) if int(job.params.get("retry", -1)) == retry]


# --- the parent: decide and hand out -------------------------------------------------------------


def export_segments_start(*, export: Export, timeline: Timeline) -> bool:
    """Split the render into segment jobs when it should be (True: the export now waits for them)."""
    count, reason = segment_count(timeline, segments_choice(export.json), settings.RENDER_SEGMENT_SECONDS)
    if count < 2:
        log.debug("export %s not segmented: %s", export.pk, reason)
        return False
    first, last = render_range(timeline)
    retry = int((export.json or {}).get("retries", 0))
    export_segments_forget(export_id=export.pk)  # an earlier attempt's pieces
    ranges = segment_ranges(first, last, count)
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        if current.status != ExportStatus.IN_PROGRESS or int(current.json.get("retries", 0)) != retry:
            return True  # cancelled or retried meanwhile: nothing to hand out
        current.json = {**current.json, "segment_render": {
            "phase": "rendering", "count": count, "reason": reason, "started": time.time(),
            "segment_seconds": settings.RENDER_SEGMENT_SECONDS}}
        current.lease_owner, current.lease_expires, current.progress = SEGMENTS_OWNER, None, 0.0
        current.save(update_fields=["json", "lease_owner", "lease_expires", "progress", "date_updated"])
        target = job_target(current)
        for index, (start, end) in enumerate(ranges):
            job_create(kind=SEGMENT_KIND, target=target, params={
                "export": export.pk, "retry": retry, "part": VIDEO, "index": index, "count": count,
                "first": start, "last": end})
        if has_sound(timeline):
            job_create(kind=SEGMENT_KIND, target=target, params={
                "export": export.pk, "retry": retry, "part": AUDIO, "index": count, "count": count,
                "first": first, "last": last})
    log.info("export %s split into %d segments (%s): frames %s", export.pk, count, reason,
             ", ".join(f"{a}–{b}" for a, b in ranges))
    return True


def export_segments_joining(export: Export) -> bool:
    """The export was claimed to join its finished segments (not to render)."""
    data = export.json or {}
    state = data.get("segment_render") or {}
    return state.get("phase") == "joining" and int(state.get("retry", -1)) == int(data.get("retries", 0))


def export_segments_cancel(*, export_id: int) -> None:
    """Cancel every active segment of the export; fail the export at once if none is left to see it."""
    for job in _segment_jobs(export_id).filter(status__in=ACTIVE_STATUSES):
        try:
            job_cancel(kind=SEGMENT_JOB, pk=job.pk)
        except JobStateError:
            pass
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if (export is None or export.status != ExportStatus.CANCEL or export.lease_owner != SEGMENTS_OWNER
                or _segment_jobs(export_id).filter(status__in=ACTIVE_STATUSES).exists()):
            return
        fail(export, "cancelled")
        transaction.on_commit(lambda: _after_segments_failed(export_id, int(export.json.get("retries", 0))))


def export_segments_forget(*, export_id: int) -> None:
    """Delete the export's segment jobs and their stored pieces (a new attempt, or the export deleted)."""
    jobs = _segment_jobs(export_id)
    names = [job.result.get("storage_name") for job in jobs if (job.result or {}).get("storage_name")]
    jobs.delete()
    for name in names:
        default_storage.delete(name)


def _after_segments_failed(export_id: int, retry: int) -> None:
    export_segments_cancel(export_id=export_id)
    _delete_pieces(export_id, retry)
    export = Export.objects.filter(pk=export_id).first()
    if export is not None:
        after_finish(export)


def _delete_pieces(export_id: int, retry: int) -> None:
    for job in _parts(export_id, retry):
        name = (job.result or {}).get("storage_name")
        if name:
            default_storage.delete(name)
            Job.objects.filter(pk=job.pk).update(result={**job.result, "storage_name": "", "deleted": name})


# --- a segment job ---------------------------------------------------------------------------------


def export_segment_render(*, job_id: int) -> None:
    """Render one segment (or the sound) of an export; the last to finish queues the join."""
    job_run(kind=SEGMENT_KIND, pk=job_id, work=_segment_work)
    job = Job.objects.filter(pk=job_id).first()
    if job is not None and job.status == JobStatus.COMPLETED:
        export_segments_check(export_id=job.params["export"], retry=job.params["retry"])


def _segment_work(job: Job, reporter) -> dict:
    params = job.params
    export = Export.objects.select_related("project").filter(pk=params["export"]).first()
    if export is None or not _is_rendering_segments(export, params) or export.status != ExportStatus.IN_PROGRESS:
        raise JobCancelled()
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix=f"montage-segment-{job.pk}-", dir=settings.RENDER_WORK_DIR))
    try:
        timeline = rasterise_vector_media(build_timeline(export), workdir=workdir, owner=export.project.owner)
        if params["part"] == AUDIO:
            timeline, target = audio_timeline(timeline), workdir / "audio.mp4"
        else:
            timeline, target = segment_timeline(timeline, params["first"], params["last"]), workdir / "video.mp4"
        plan = build_render(timeline, output_path=str(target), workdir=str(workdir))

        def on_progress(percent: float) -> None:
            written = reporter.last_write
            reporter.progress(percent)
            if reporter.last_write != written:
                _parent_progress(export.pk, params["retry"])

        run_render(plan, on_progress=on_progress, should_cancel=reporter.should_cancel,
                   time_limit=export_time_limit(export))
        with open(target, "rb") as handle:
            name = default_storage.save(
                f"segments/{export.pk}/{params['retry']}-{params['part']}-{params['index']}-{uuid.uuid4().hex[:8]}.mp4",
                DjangoFile(handle))
    except RenderCancelled:
        raise JobCancelled() from None
    except (RenderTimedOut, RenderFailed, RenderError, ValueError) as error:
        raise JobFailed(str(error)) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = round(time.monotonic() - started, 2)
    log.info("export %s %s rendered on %s in %.1f s", export.pk, describe_part(params), WORKER_ID, seconds)
    return {"storage_name": name, "worker": WORKER_ID, "seconds": seconds,
            "frames": params["last"] - params["first"] + 1}


def _parent_progress(export_id: int, retry: int) -> None:
    """The export's progress: its video segments' progress weighted by their frames (the join is the last 1 %)."""
    parts = [job for job in _parts(export_id, retry) if job.params.get("part") == VIDEO]
    frames = sum(job.params["last"] - job.params["first"] + 1 for job in parts)
    if not frames:
        return
    done = sum((job.params["last"] - job.params["first"] + 1) * job.progress for job in parts) / frames
    Export.objects.filter(pk=export_id, status=ExportStatus.IN_PROGRESS, lease_owner=SEGMENTS_OWNER).update(
        progress=round(min(99.0, done * 0.99), 1))


def export_segments_check(*, export_id: int, retry: int | None = None) -> bool:
    """When every segment and the sound are done, put the export back to pending for its join (True)."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return False
        retry = int(export.json.get("retries", 0)) if retry is None else retry
        if export.status != ExportStatus.IN_PROGRESS or not _is_rendering_segments(export, {"retry": retry}):
            return False
        parts = _parts(export_id, retry)
        if not parts or any(job.status != JobStatus.COMPLETED for job in parts):
            return False
        state = {**export.json.get("segment_render", {}), "phase": "joining", "retry": retry}
        export.json = {**export.json, "segment_render": state}
        export.status, export.lease_owner, export.queued_at = ExportStatus.PENDING, "", timezone.now()
        export.attempts, export.progress = 0, 99.0
        export.save()
        job_enqueue(kind=EXPORT_JOB, pk=export_id)
    _parent_progress(export_id, retry)
    log.info("export %s: all %d segments rendered; join queued", export_id, state.get("count", 0))
    return True


def segments_housekeeping() -> None:
    """The sweeper's re-check: an export whose last segment's worker died before queueing the join."""
    for export_id in Export.objects.filter(status=ExportStatus.IN_PROGRESS, lease_owner=SEGMENTS_OWNER).values_list(
            "id", flat=True):
        export_segments_check(export_id=export_id)


# --- the join -----------------------------------------------------------------------------------


def export_segments_join(*, export: Export, workdir: Path, reporter) -> tuple[Path, float]:
    """Copy the segments' video end to end and mux the sound: (the joined file, seconds of output).

    Raises the renderer's errors like a render does; deletes the stored pieces either way."""
    retry = int(export.json.get("retries", 0))
    parts = sorted(_parts(export.pk, retry), key=lambda job: job.params["index"])
    videos = [job for job in parts if job.params["part"] == VIDEO]
    sound = next((job for job in parts if job.params["part"] == AUDIO), None)
    timeline = build_timeline(export)
    target = workdir / f"joined{Path(export.output.name or 'x.mp4').suffix or '.mp4'}"
    try:
        local = []
        for job in parts:
            path = workdir / f"piece-{job.params['part']}-{job.params['index']}.mp4"
            try:
                with default_storage.open(job.result["storage_name"], "rb") as source, open(path, "wb") as copy:
                    shutil.copyfileobj(source, copy, 1024 * 1024)
            except (OSError, KeyError):
                raise RenderError(f"{describe_part(job.params)} is no longer in storage; retry the export.") from None
            local.append(path)
        list_path = workdir / "segments.ffconcat"
        list_path.write_text(concat_list([str(path) for path, job in zip(local, parts) if job.params["part"] == VIDEO]))
        audio_path = str(local[parts.index(sound)]) if sound else None
        frames = sum(job.result["frames"] for job in videos)
        duration = frames / float(timeline.output.fps)
        args = join_args(list_path=str(list_path), audio_path=audio_path, output_path=str(target), timeline=timeline)
        try:
            run_ffmpeg(args, frame_count=frames, duration=duration, on_progress=None,
                       should_cancel=reporter.should_cancel, time_limit=export_time_limit(export))
        except FfmpegCancelled:
            raise RenderCancelled("The render was cancelled.") from None
        except FfmpegTimedOut:
            raise RenderTimedOut("The join took longer than the render's time limit.") from None
        except FfmpegFailed as error:
            raise RenderFailed(f"The segments could not be joined: {' / '.join(error.log_tail[-3:])}",
                               error.log_tail) from None
    finally:
        _delete_pieces(export.pk, retry)
    state = export.json.get("segment_render", {})
    wall = max(0.001, time.time() - float(state.get("started", time.time())))
    record = {**state, "phase": "joined", "frames": frames, "wall_seconds": round(wall, 2), "segments": [
        {"index": job.params["index"], "first": job.params["first"], "last": job.params["last"],
         "frames": job.result["frames"], "worker": job.result["worker"], "seconds": job.result["seconds"],
         "attempts": job.attempts} for job in videos]}
    if sound is not None:
        record["audio"] = {"worker": sound.result["worker"], "seconds": sound.result["seconds"],
                           "attempts": sound.attempts}
    Export.objects.filter(pk=export.pk).update(json={
        **Export.objects.get(pk=export.pk).json, "segment_render": record, "render_speed": round(duration / wall, 2)})
    log.info("export %s: %d segments joined (%d frames) in %.1f s since the split", export.pk, len(videos), frames,
             wall)
    return target, duration
