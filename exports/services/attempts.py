"""An export's attempts: whose the row is, and how an attempt records its end.

An attempt is the `json.retries` count it was claimed with; a retry raises
it, so a render that outlived its retry cannot overwrite the newer
attempt's row, and a render whose export was cancelled meanwhile drops
its output. Every end (failed with a reason in `json.error`, or
completed) is then told to the client's webhook and announced
(`exports.hooks.on_export_finished`). `EXPORT_JOB` is the
export's kind on the job machine (registered in exports.tasks).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from config.jobs.registry import JobKind
from exports.delivery import json_after_delivery
from exports.hooks import announce_export_finished
from exports.models import Export, ExportStatus
from exports.webhooks import webhook_notify

log = logging.getLogger("montage.render")

MINE, CANCELLED, SUPERSEDED = "mine", "cancelled", "superseded"


def export_failure_recorded(export_id: int, reason: str) -> None:
    """The job machine failed this export (cancelled, or its workers kept dying): keep the reason, tell the webhook."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return
        export.json = {**(export.json or {}), "error": reason}
        export.save(update_fields=["json"])
        transaction.on_commit(lambda: after_finish(Export.objects.get(pk=export_id)))


EXPORT_JOB = JobKind(name="export", model=Export, actor_name="render_export", on_failed=export_failure_recorded,
                     noun="export")


def attempt_state(export: Export, current: Export | None = None) -> str:
    """Whose the row is now: still this attempt's (`mine`), cancelled during it, or taken over by a retry."""
    current = current or Export.objects.get(pk=export.pk)
    if int((current.json or {}).get("retries", 0)) != int((export.json or {}).get("retries", 0)):
        return SUPERSEDED
    return MINE if current.status == ExportStatus.IN_PROGRESS else CANCELLED


def write_if_mine(export: Export, *, output: str | None = None, error: str | None = None, completed: bool = False,
                  delivered_url: str | None = None, file_size: int | None = None) -> str:
    """Record the output name (and its size), a delivery failure, or completion, if the row is still this attempt's."""
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        state = attempt_state(export, current)
        if state != MINE:
            return state
        if output is not None:  # stored before delivery: its size counts (storage/ backend json) from now on
            current.output = output
            current.json = {**(current.json or {}), **({"file_size": file_size} if file_size is not None else {})}
            current.save(update_fields=["output", "json", "date_updated"])
        elif error is not None:
            current.output = export.output.name  # kept: retry delivers it without rendering again
            fail(current, error)
        elif completed:
            data = dict(current.json or {})
            if file_size is not None:
                data["file_size"] = file_size
            current.json = json_after_delivery(data, delivered_url) if delivered_url else data
            current.output = export.output.name
            current.status, current.progress = ExportStatus.COMPLETED, 100.0
            current.lease_owner, current.lease_expires, current.finished_at = "", None, timezone.now()
            current.save()
    return state


def settle(export: Export, state: str) -> bool:
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
            fail(current, "cancelled")
    log.info("export %s %s", export.pk, "cancelled" if state == CANCELLED else "superseded by a retry; output dropped")
    return False


def fail(export: Export, reason: str) -> None:
    """Write the export failed with `reason` (the caller holds the row)."""
    export.json = {**(export.json or {}), "error": reason}
    export.status = ExportStatus.FAILED
    export.lease_owner, export.lease_expires, export.finished_at = "", None, timezone.now()
    export.save()


def finish_failed(export: Export, reason: str) -> None:
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        fail(current, reason)


def after_finish(export: Export) -> None:
    """Tell the client's webhook, if any, how the export ended, then the apps listening (exports.hooks)."""
    if export.status not in (ExportStatus.COMPLETED, ExportStatus.FAILED):
        return
    if export.webhook:
        webhook_notify(export=export)
    announce_export_finished(export)


def export_time_limit(export: Export) -> float:
    """The render's time limit: json.time_limit (capped at RENDER_MAX_TIME_LIMIT) or RENDER_TIME_LIMIT."""
    requested = (export.json or {}).get("time_limit")
    limit = settings.RENDER_TIME_LIMIT
    if isinstance(requested, (int, float)) and not isinstance(requested, bool) and requested > 0:
        limit = min(float(requested), settings.RENDER_MAX_TIME_LIMIT)
    return float(limit)
