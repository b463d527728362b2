"""The worker side of a render: claim, run ffmpeg, store the output, deliver it, mark the export completed.

The export is claimed on the job machine (config.jobs) with a lease that
ffmpeg's progress reports renew (and a background renewer while storing
and delivering). Every outcome ends in the row and the log: completed
with progress exactly 100.0, or failed with the reason in `json.error`.
A finished render is stored, then delivered when its json names an S3
bucket or Azure container (exports.delivery); a failed delivery keeps the
stored render, and `retry` delivers it again without rendering. Each
step writes only while the row is still this attempt's
(exports.services.attempts).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files import File as DjangoFile

from config.jobs.lease import JobLease
from config.jobs.machine import WORKER_ID, JobReporter, job_claim
from exports.building import build_timeline, output_extension
from exports.delivery import DeliveryCancelled, DeliveryFailed, DeliveryInvalid, deliver, delivery_target
from exports.models import Export, ExportType
from exports.rasterising import rasterise_vector_media
from exports.renderer import RenderCancelled, RenderError, RenderFailed, RenderTimedOut, build_render, run_render
from exports.services.attempts import (
    CANCELLED,
    EXPORT_JOB,
    MINE,
    after_finish,
    attempt_state,
    export_time_limit,
    finish_failed,
    settle,
    write_if_mine,
)
from exports.services.segments import export_segments_join, export_segments_joining, export_segments_start
from exports.services.smart_rendering import export_json_record, export_render_smart, smart_decide
from media_assets.cache import cached_media_path
from media_assets.storage import stored_size

log = logging.getLogger("montage.render")


def export_claim(*, export_id: int, worker: str = WORKER_ID) -> bool:
    """Take a pending export for this worker; False if another worker has it or it is gone."""
    return job_claim(kind=EXPORT_JOB, pk=export_id, worker=worker)


def export_render(*, export_id: int, worker: str = WORKER_ID) -> None:
    """Claim, render, publish; every outcome ends in the row (and the log)."""
    if not export_claim(export_id=export_id, worker=worker):
        return
    export = Export.objects.select_related("project").get(pk=export_id)
    started = time.monotonic()
    workdir = None
    try:
        workdir = Path(tempfile.mkdtemp(prefix=f"montage-export-{export.pk}-", dir=settings.RENDER_WORK_DIR))
        if _rendered_before(export):
            log.info("export %s: output already rendered and stored; delivering it", export.pk)
            _publish(export, None, started, 0.0)
        else:
            outcome = _render_into(export, workdir)
            if outcome is not None:
                rendered, seconds = outcome
                _publish(export, rendered, started, seconds)
    except Exception as error:  # noqa: BLE001 - a bug must end the render too: re-running it would only fail again
        _fail_unexpected(export, error)
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        after_finish(Export.objects.get(pk=export.pk))


def unexpected_error_reason(error: BaseException) -> str:
    return (f"The render stopped on an unexpected error in Montage ({type(error).__name__}); this is a bug in "
            "Montage, not a problem with your project, and it has been logged.")


def _fail_unexpected(export: Export, error: Exception) -> None:
    """Record an unexpected exception as the attempt's failure (logged once, with its traceback).

    The export ends `failed`, never `in-progress`: the sweeper would otherwise
    re-queue it. Only if even that write fails (the database is gone) does
    the lease run out and the sweeper take over.
    """
    log.error("export %s failed on an unexpected error", export.pk, exc_info=error)
    try:
        state = write_if_mine(export, error=unexpected_error_reason(error))
        if state != MINE and export.output.name:
            settle(export, state)  # drops this attempt's stored output
        elif state == CANCELLED:
            finish_failed(export, "cancelled")
    except Exception:
        log.exception("export %s: its failure could not be recorded; the lease sweeper will re-queue it", export.pk)


def _render_into(export: Export, workdir: Path) -> tuple[Path, float] | None:
    """Run ffmpeg: (rendered file, seconds of output), or None after recording a failure."""
    reporter = JobReporter(EXPORT_JOB, export.pk)
    try:
        if export_segments_joining(export):  # its segments are rendered: only the join is left
            return export_segments_join(export=export, workdir=workdir, reporter=reporter)
        timeline = rasterise_vector_media(build_timeline(export), workdir=workdir, owner=export.project.owner)
        target = workdir / f"render{output_extension(export)}"
        started = time.monotonic()
        plan = build_render(timeline, output_path=str(target), workdir=str(workdir))
        decided = smart_decide(export=export, timeline=timeline)
        _, decision, _ = decided
        if not decision.smart and export_segments_start(export=export, timeline=timeline):
            return None  # the segment jobs render it; the last one queues the join (exports.services.segments)
        smart = export_render_smart(export=export, timeline=timeline, target=target, workdir=workdir / "smart",
                                    reporter=reporter, time_limit=export_time_limit(export), decided=decided)
        if smart is None:
            run_render(plan, on_progress=reporter.progress, should_cancel=reporter.should_cancel,
                       time_limit=max(1.0, export_time_limit(export) - (time.monotonic() - started)))
    except RenderCancelled:
        finish_failed(export, "cancelled")
        log.info("export %s cancelled", export.pk)
        return None
    except RenderTimedOut:
        finish_failed(export, f"The render took longer than its time limit of {export_time_limit(export):.0f} s.")
        log.warning("export %s failed: time limit %.0f s", export.pk, export_time_limit(export))
        return None
    except RenderFailed as error:
        finish_failed(export, str(error))
        log.warning("export %s failed: %s | ffmpeg: %s", export.pk, error, " / ".join(error.log_tail[-5:]))
        return None
    except (RenderError, ValueError) as error:
        finish_failed(export, str(error))
        log.warning("export %s failed: %s", export.pk, error)
        return None
    wall = time.monotonic() - started
    export_json_record(export=export, render_speed=round(plan.duration / wall, 2) if wall else None)
    log.debug("export %s rendered in %.1f s", export.pk, wall)
    if export.export_type == ExportType.IMAGE_SEQUENCE:
        return _zip_folder(target, workdir / "frames.zip"), plan.duration
    return target, plan.duration



def _zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, arcname=path.name)
    return archive


def _output_name(export: Export, rendered: Path) -> str:
    suffix = ".zip" if export.export_type == ExportType.IMAGE_SEQUENCE else rendered.suffix
    return f"output-{export.project_id}-{export.pk}-{uuid.uuid4().hex[:8]}{suffix}"


def _rendered_before(export: Export) -> bool:
    """An earlier attempt rendered and stored the output (its delivery failed, or its worker died after
    storing): only delivery is left. A recorded output that storage lost is forgotten and rendered again."""
    if not export.output.name:
        return False
    if stored_size(export.output.name) is not None:
        return True
    Export.objects.filter(pk=export.pk).update(output="")
    export.output.name = ""
    return False


def _publish(export: Export, rendered: Path | None, started: float, seconds: float) -> None:
    """Store the finished output (never a half-written one), deliver it where json says, mark the export completed.

    `rendered` None: the output is already stored (a retried delivery). The
    stored name is recorded before delivery starts, so a failed delivery or
    a dead worker leaves a render that `retry` and the sweeper deliver
    without rendering again. The lease is renewed throughout.
    """
    with JobLease(EXPORT_JOB, export.pk) as lease:
        if rendered is not None:
            with open(rendered, "rb") as handle:
                export.output.save(_output_name(export, rendered), DjangoFile(handle), save=False)
            if not settle(export, write_if_mine(export, output=export.output.name,
                                                file_size=rendered.stat().st_size)):
                return
        try:
            delivered = _deliver(export, rendered, lease.cancelled)
        except DeliveryCancelled:
            settle(export, attempt_state(export))
            return
        except DeliveryFailed as error:
            if settle(export, write_if_mine(export, error=str(error))):
                log.warning("export %s rendered but not delivered (output kept for retry): %s", export.pk, error)
            return
    size = rendered.stat().st_size if rendered is not None else stored_size(export.output.name)
    if not settle(export, write_if_mine(export, completed=True, delivered_url=delivered, file_size=size)):
        return
    wall = time.monotonic() - started
    speed = f", {seconds / wall:.2f}x realtime" if seconds and wall else ""
    where = f", delivered to {delivered}" if delivered else ""
    log.info("export %s completed in %.1f s%s: %s%s", export.pk, wall, speed, export.output.name, where)


def _deliver(export: Export, rendered: Path | None, cancelled) -> str | None:
    """Upload the output where the export's json says (the URL), or None when it names no destination."""
    current = Export.objects.get(pk=export.pk)  # json as it is now: a retry may follow a corrected bucket
    try:
        target = delivery_target(current.json)
    except DeliveryInvalid as error:
        raise DeliveryFailed(str(error)) from None
    if target is None:
        return None
    try:
        path = rendered if rendered is not None else Path(cached_media_path(export.output.name))
    except FileNotFoundError:
        raise DeliveryFailed("The rendered output is no longer in storage; retry renders it again.") from None
    return deliver(target, path, cancelled=cancelled)
