"""What clients do to an export: create (queue) it, retry a failed one, cancel it, delete it.

Queueing always waits for the commit (the job machine sends the message
then). A retry counts itself in `json.retries`; an export whose render was
stored but not delivered keeps its output, and the worker then only
delivers it.
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from config.jobs.machine import JobStateError, job_cancel, job_enqueue
from exports.models import Export, ExportStatus
from exports.services.attempts import EXPORT_JOB
from exports.services.segments import export_segments_cancel, export_segments_forget

log = logging.getLogger("montage.render")


class ExportStateError(Exception):
    """The export is not in a state that allows this (a 400 with the message)."""


def export_create(*, owner, validated: dict, base_url: str = "") -> Export:
    with transaction.atomic():
        export = Export.objects.create(owner=owner, queued_at=timezone.now(), base_url=base_url, **validated)
        job_enqueue(kind=EXPORT_JOB, pk=export.pk)
    log.info("export %s queued: %s of project %s", export.pk, export.export_type, export.project_id)
    return export


def export_retry(*, export: Export) -> Export:
    """Re-queue a failed export; `json.retries` counts the attempts (and the job's attempts start again)."""
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
        export.attempts, export.started_at, export.finished_at = 0, None, None
        export.save()
        job_enqueue(kind=EXPORT_JOB, pk=export.pk)
    log.info("export %s re-queued by retry %s", export.pk, data["retries"])
    return export


def export_cancel(*, export: Export) -> Export:
    """Stop a pending or running render; it ends `failed` with the reason "cancelled".

    A pending export fails at once (and its webhook is told); a running one
    is asked to stop, and its worker kills its ffmpeg within a second or two.
    """
    try:
        job_cancel(kind=EXPORT_JOB, pk=export.pk)
    except JobStateError as error:
        raise ExportStateError(
            f"Only a pending or in-progress export can be cancelled; this one is {error.status}.") from None
    export_segments_cancel(export_id=export.pk)  # a segmented render: every segment stops too
    return Export.objects.get(pk=export.pk)


def export_delete(*, export: Export) -> None:
    name = export.output.name
    export_segments_forget(export_id=export.pk)
    export.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def export_outputs_of_project(project_id: int) -> list[str]:
    """The storage names of a project's rendered outputs (deleted with the project)."""
    return [name for name in Export.objects.filter(project_id=project_id).values_list("output", flat=True) if name]
