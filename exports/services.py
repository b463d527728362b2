"""The render lifecycle: create, claim, render, publish, fail, cancel, retry, recover.

An export is `pending` until a worker claims it with a lease (`in-progress`),
renews the lease while ffmpeg runs, and ends it `completed` (output
published, progress exactly 100.0) or `failed` (reason in `json.error`).
`cancel` asks a running render to stop; the sweeper re-queues renders whose
worker stopped renewing its lease. Queueing always waits for the commit.
A finished render is stored, then delivered when its json names an S3
bucket or Azure container (exports.delivery); a failed delivery keeps the
stored render, and `retry` delivers it again without rendering.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File as DjangoFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from exports.building import build_timeline, output_extension
from exports.rasterising import rasterise_vector_media
from exports.delivery import DeliveryCancelled, DeliveryFailed, DeliveryInvalid, deliver, delivery_target, json_after_delivery
from exports.lease import ExportLease
from exports.models import Export, ExportStatus, ExportType
from exports.renderer import RenderCancelled, RenderError, RenderFailed, RenderTimedOut, build_render, run_render
from media_assets.cache import cached_media_path
from media_assets.storage import stored_size

log = logging.getLogger("montage.render")

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


class ExportStateError(Exception):
    """The export is not in a state that allows this (a 400 with the message)."""


# --- queueing --------------------------------------------------------------------------------


def _enqueue_after_commit(export: Export) -> None:
    from exports.tasks import render_export  # the actor module imports this one

    export_id = export.pk
    transaction.on_commit(lambda: render_export.send(export_id))


def export_create(*, owner, validated: dict, base_url: str = "") -> Export:
    with transaction.atomic():
        export = Export.objects.create(owner=owner, queued_at=timezone.now(), base_url=base_url, **validated)
        _enqueue_after_commit(export)
    log.info("export %s queued: %s of project %s", export.pk, export.export_type, export.project_id)
    return export


def export_retry(*, export: Export) -> Export:
    """Re-queue a failed export; `json.retries` counts the attempts.

    An export whose render was stored but not delivered keeps its output:
    the worker then only delivers it (see `_rendered_before`).
    """
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        if export.status != ExportStatus.FAILED:
            raise ExportStateError(f"Only a failed export can be retried; this one is {export.status}.")
        data = dict(export.json)
        data["retries"] = int(data.get("retries", 0)) + 1
        data.pop("error", None)
        export.json = data
        export.status, export.progress, export.queued_at = ExportStatus.PENDING, 0.0, timezone.now()
        export.lease_owner, export.lease_expires = "", None
        export.save()
        _enqueue_after_commit(export)
    log.info("export %s re-queued by retry %s", export.pk, data["retries"])
    return export


def export_cancel(*, export: Export) -> Export:
    """Stop a pending or running render; it ends `failed` with the reason "cancelled"."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        if export.status == ExportStatus.PENDING:
            _fail(export, "cancelled")
            log.info("export %s cancelled while pending", export.pk)
        elif export.status == ExportStatus.IN_PROGRESS:
            # The worker polls for this and kills its ffmpeg within a second or two.
            export.status = ExportStatus.CANCEL
            export.save(update_fields=["status", "date_updated"])
            log.info("export %s cancel requested", export.pk)
        elif export.status != ExportStatus.CANCEL:
            raise ExportStateError(f"Only a pending or in-progress export can be cancelled; this one is {export.status}.")
    if export.status == ExportStatus.FAILED:
        _after_finish(export)
    return export


def export_delete(*, export: Export) -> None:
    name = export.output.name
    export.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


# --- rendering (worker side) -----------------------------------------------------------------


def _lease_until():
    return timezone.now() + timedelta(seconds=settings.RENDER_LEASE_SECONDS)


def export_claim(*, export_id: int, worker: str = WORKER_ID) -> bool:
    """Take a pending export for this worker; False if another worker has it or it is gone."""
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.IN_PROGRESS, progress=0.0, lease_owner=worker, lease_expires=_lease_until(),
        date_updated=timezone.now(),
    )
    return bool(claimed)


class _Reporter:
    """Writes progress and renews the lease, at most every half second; answers 'cancelled?'."""

    def __init__(self, export: Export):
        self.export = export
        self.last_write = 0.0
        self.last_check = 0.0
        self.cancelled = False
        self.milestone = 0

    def progress(self, percent: float) -> None:
        now = time.monotonic()
        if now - self.last_write < 0.5:
            return
        self.last_write = now
        percent = max(0.0, min(float(percent), 99.9))
        Export.objects.filter(pk=self.export.pk, status=ExportStatus.IN_PROGRESS).update(
            progress=round(percent, 1), lease_expires=_lease_until(), date_updated=timezone.now()
        )
        while self.milestone + 25 <= percent and self.milestone < 75:
            self.milestone += 25
            log.info("export %s progress %d%%", self.export.pk, self.milestone)

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self.last_check >= 0.25:
            self.last_check = now
            status = Export.objects.filter(pk=self.export.pk).values_list("status", flat=True).first()
            self.cancelled = status in (ExportStatus.CANCEL, ExportStatus.FAILED, None)
        return self.cancelled


def export_render(*, export_id: int, worker: str = WORKER_ID) -> None:
    """Claim, render, publish; every outcome ends in the row (and the log)."""
    if not export_claim(export_id=export_id, worker=worker):
        log.info("export %s not rendered by %s: no longer pending", export_id, worker)
        return
    export = Export.objects.select_related("project").get(pk=export_id)
    log.info("export %s started on %s", export.pk, worker)
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
        _after_finish(Export.objects.get(pk=export.pk))


def unexpected_error_reason(error: BaseException) -> str:
    return (f"The render stopped on an unexpected error in Montage ({type(error).__name__}); this is a bug in "
            "Montage, not a problem with your project, and it has been logged.")


def _fail_unexpected(export: Export, error: Exception) -> None:
    """Record an unexpected exception as the attempt's failure (logged once, with its traceback).

    The export ends `failed`, never `in-progress`: the sweeper would otherwise
    re-queue it for ever. Only if even that write fails (the database is
    gone) does the lease run out and the sweeper take over.
    """
    log.error("export %s failed on an unexpected error", export.pk, exc_info=error)
    try:
        state = _write_if_mine(export, error=unexpected_error_reason(error))
        if state != MINE and export.output.name:
            _settle(export, state)  # drops this attempt's stored output
        elif state == CANCELLED:
            _finish_failed(export, "cancelled")
    except Exception:
        log.exception("export %s: its failure could not be recorded; the lease sweeper will re-queue it", export.pk)


def _render_into(export: Export, workdir: Path) -> tuple[Path, float] | None:
    """Run ffmpeg: (rendered file, seconds of output), or None after recording a failure."""
    reporter = _Reporter(export)
    try:
        timeline = rasterise_vector_media(build_timeline(export), workdir=workdir)
        target = workdir / f"render{output_extension(export)}"
        plan = build_render(timeline, output_path=str(target), workdir=str(workdir))
        result = run_render(plan, on_progress=reporter.progress, should_cancel=reporter.should_cancel,
                            time_limit=_time_limit(export))
    except RenderCancelled:
        _finish_failed(export, "cancelled")
        log.info("export %s cancelled", export.pk)
        return None
    except RenderTimedOut:
        _finish_failed(export, f"The render took longer than its time limit of {_time_limit(export):.0f} s.")
        log.warning("export %s failed: time limit %.0f s", export.pk, _time_limit(export))
        return None
    except RenderFailed as error:
        _finish_failed(export, str(error))
        log.warning("export %s failed: %s | ffmpeg: %s", export.pk, error, " / ".join(error.log_tail[-5:]))
        return None
    except (RenderError, ValueError) as error:
        _finish_failed(export, str(error))
        log.warning("export %s failed: %s", export.pk, error)
        return None
    log.debug("export %s ffmpeg finished in %.1f s", export.pk, result.wall_seconds)
    if export.export_type == ExportType.IMAGE_SEQUENCE:
        return _zip_folder(target, workdir / "frames.zip"), plan.duration
    return target, plan.duration


def _time_limit(export: Export) -> float:
    requested = (export.json or {}).get("time_limit")
    limit = settings.RENDER_TIME_LIMIT
    if isinstance(requested, (int, float)) and not isinstance(requested, bool) and requested > 0:
        limit = min(float(requested), settings.RENDER_MAX_TIME_LIMIT)
    return float(limit)


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
    without rendering again. The lease is renewed throughout. Each step
    writes only while the row is still this attempt's (see `_attempt_state`).
    """
    with ExportLease(export) as lease:
        if rendered is not None:
            with open(rendered, "rb") as handle:
                export.output.save(_output_name(export, rendered), DjangoFile(handle), save=False)
            if not _settle(export, _write_if_mine(export, output=export.output.name,
                                                  file_size=rendered.stat().st_size)):
                return
        try:
            delivered = _deliver(export, rendered, lease.cancelled)
        except DeliveryCancelled:
            _settle(export, _attempt_state(export))
            return
        except DeliveryFailed as error:
            if _settle(export, _write_if_mine(export, error=str(error))):
                log.warning("export %s rendered but not delivered (output kept for retry): %s", export.pk, error)
            return
    size = rendered.stat().st_size if rendered is not None else stored_size(export.output.name)
    if not _settle(export, _write_if_mine(export, completed=True, delivered_url=delivered, file_size=size)):
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


MINE, CANCELLED, SUPERSEDED = "mine", "cancelled", "superseded"


def _attempt_state(export: Export, current: Export | None = None) -> str:
    """Whose the row is now: still this attempt's (`mine`), cancelled during it, or taken over by a retry.

    An attempt is the `json.retries` count it was claimed with; a retry
    raises it, so a render that outlived its retry cannot overwrite the
    newer attempt's row.
    """
    current = current or Export.objects.get(pk=export.pk)
    if int((current.json or {}).get("retries", 0)) != int((export.json or {}).get("retries", 0)):
        return SUPERSEDED
    return MINE if current.status == ExportStatus.IN_PROGRESS else CANCELLED


def _write_if_mine(export: Export, *, output: str | None = None, error: str | None = None, completed: bool = False,
                   delivered_url: str | None = None, file_size: int | None = None) -> str:
    """Record the output name (and its size), a delivery failure, or completion, if the row is still this attempt's."""
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        state = _attempt_state(export, current)
        if state != MINE:
            return state
        if output is not None:  # stored before delivery: its size counts (storage/ backend json) from now on
            current.output = output
            current.json = {**(current.json or {}), **({"file_size": file_size} if file_size is not None else {})}
            current.save(update_fields=["output", "json", "date_updated"])
        elif error is not None:
            current.output = export.output.name  # kept: retry delivers it without rendering again
            _fail(current, error)
        elif completed:
            data = dict(current.json or {})
            if file_size is not None:
                data["file_size"] = file_size
            current.json = json_after_delivery(data, delivered_url) if delivered_url else data
            current.output = export.output.name
            current.status, current.progress = ExportStatus.COMPLETED, 100.0
            current.lease_owner, current.lease_expires = "", None
            current.save()
    return state


def _settle(export: Export, state: str) -> bool:
    """True to go on; otherwise drop this attempt's output (cancelled: the row says so)."""
    if state == MINE:
        return True
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        if current.output.name != export.output.name:
            default_storage.delete(export.output.name)  # the output must not linger
        if state == CANCELLED:
            if current.output.name == export.output.name:
                default_storage.delete(export.output.name)
                current.output = ""
            _fail(current, "cancelled")
    log.info("export %s %s", export.pk, "cancelled" if state == CANCELLED else "superseded by a retry; output dropped")
    return False


def _fail(export: Export, reason: str) -> None:
    export.json = {**(export.json or {}), "error": reason}
    export.status = ExportStatus.FAILED
    export.lease_owner, export.lease_expires = "", None
    export.save()


def _finish_failed(export: Export, reason: str) -> None:
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        _fail(current, reason)


def _after_finish(export: Export) -> None:
    """Tell the client's webhook, if any, how the export ended."""
    if export.webhook and export.status in (ExportStatus.COMPLETED, ExportStatus.FAILED):
        from exports.webhooks import webhook_notify

        webhook_notify(export=export)


# --- recovery --------------------------------------------------------------------------------


def export_sweep(*, now=None) -> list[int]:
    """Re-queue renders whose worker stopped renewing its lease, and pending ones never picked up.

    Each row is switched with a conditional UPDATE, so when several workers
    sweep at once exactly one re-queues a given export.
    """
    now = now or timezone.now()
    from exports.tasks import render_export

    requeued = []
    stale = Export.objects.filter(status__in=[ExportStatus.IN_PROGRESS, ExportStatus.CANCEL], lease_expires__lt=now)
    for export_id, status, owner in stale.values_list("id", "status", "lease_owner"):
        if status == ExportStatus.CANCEL:
            if Export.objects.filter(pk=export_id, status=status, lease_expires__lt=now).update(
                status=ExportStatus.FAILED, lease_owner="", lease_expires=None,
            ):
                _record_error(export_id, "cancelled")
            continue
        if Export.objects.filter(pk=export_id, status=status, lease_expires__lt=now).update(
            status=ExportStatus.PENDING, progress=0.0, lease_owner="", lease_expires=None, queued_at=now,
        ):
            log.warning("export %s recovered: worker %s stopped renewing its lease; re-queued", export_id, owner)
            render_export.send(export_id)
            requeued.append(export_id)
    resend_before = now - timedelta(seconds=settings.RENDER_PENDING_RESEND_SECONDS)
    for export_id in Export.objects.filter(status=ExportStatus.PENDING, queued_at__lt=resend_before).values_list("id", flat=True):
        if Export.objects.filter(pk=export_id, status=ExportStatus.PENDING, queued_at__lt=resend_before).update(queued_at=now):
            log.warning("export %s recovered: pending since before %s; message sent again", export_id, resend_before)
            render_export.send(export_id)
            requeued.append(export_id)
    return requeued


def _record_error(export_id: int, reason: str) -> None:
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export_id)
        export.json = {**(export.json or {}), "error": reason}
        export.save(update_fields=["json"])


def export_requeue_pending() -> int:
    """Send every pending export again (the embedded broker loses its queue on restart)."""
    from exports.tasks import render_export

    ids = list(Export.objects.filter(status=ExportStatus.PENDING).values_list("id", flat=True))
    for export_id in ids:
        render_export.send(export_id)
    return len(ids)
