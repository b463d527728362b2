"""Queueing a file's previews and answering what they are: the side the web process runs.

`previews_queue(file=..., kinds=...)` (re)sets the file's Rendition rows
to pending and queues one `file-previews` job on the job machine (a
concrete `Job`, target `media_assets.file:<id>`, on the `previews` queue):
a pending job for the same file takes the new kinds too, a running one is
cancelled and replaced. It is what the `file_ingested` hook calls
(`previews_on_ingest`), what `POST …/previews/` and `manage.py previews`
call. Nothing here runs ffmpeg.
"""

from __future__ import annotations

import logging
import posixpath
from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from config.jobs.machine import CANCELLED, JobStateError, job_cancel, job_create
from config.jobs.models import ACTIVE_STATUSES, Job, JobStatus, job_target
from config.jobs.registry import JobKind
from media_assets.previews.kinds import kinds_for
from media_assets.previews.models import Rendition, RenditionStatus

log = logging.getLogger("montage.media")


def previews_job_failed(job_id: int, reason: str) -> None:
    """The machine failed a previews job (its worker died too often, or was cancelled): say so on the renditions."""
    job = Job.objects.filter(pk=job_id).only("target", "params").first()
    if job is None:
        return
    if reason == CANCELLED and Job.objects.filter(target=job.target, kind=PREVIEWS_JOB.name,
                                                  status__in=ACTIVE_STATUSES).exclude(pk=job_id).exists():
        return  # replaced by a newer job for the same file: its renditions are that job's now
    Rendition.objects.filter(
        file_id=job.params.get("file"), kind__in=job.params.get("kinds", []),
        status__in=[RenditionStatus.PENDING, RenditionStatus.PROCESSING],
    ).update(status=RenditionStatus.FAILED, error=reason)


PREVIEWS_JOB = JobKind(name="file-previews", model=Job, actor_name="make_file_previews",
                       on_failed=previews_job_failed, noun="previews job")


def preview_folder(file) -> str:
    """Where a file's renditions are stored: beside its media, under previews/<file id>/."""
    folder = posixpath.dirname(file.media.name or "") or f"files/{file.project_id or 'unfiled'}"
    return f"{folder}/previews/{file.pk}/"


def previews_kind_names(file) -> list[str]:
    return [spec.name for spec in kinds_for(file.json)]


def previews_queue(*, file, kinds: Iterable[str] | None = None) -> Job | None:
    """Reset the renditions `kinds` (default: all the file's media gets) to pending and queue their job."""
    names = previews_kind_names(file)
    if kinds is not None:
        wanted = set(kinds)
        names = [name for name in names if name in wanted]
    if not names:
        return None
    target = job_target(file)
    with transaction.atomic():
        for spec in kinds_for(file.json):
            if spec.name in names:
                Rendition.objects.update_or_create(file=file, kind=spec.name, defaults={
                    "status": RenditionStatus.PENDING, "error": "", "content_type": spec.content_type})
        active = Job.objects.select_for_update().filter(kind=PREVIEWS_JOB.name, target=target,
                                                         status__in=ACTIVE_STATUSES)
        for job in active:
            if job.status == JobStatus.PENDING:
                job.params = {**job.params, "kinds": sorted(set(job.params.get("kinds", [])) | set(names))}
                job.save(update_fields=["params", "date_updated"])
                return job
            try:
                job_cancel(kind=PREVIEWS_JOB, pk=job.pk)
            except JobStateError:
                pass  # it ended meanwhile
        return job_create(kind=PREVIEWS_JOB.name, target=target, params={"file": file.pk, "kinds": names})


def previews_on_ingest(file, *, origin) -> None:
    """The `file_ingested` subscriber: every new File gets its previews (PREVIEWS_ON_INGEST)."""
    if getattr(settings, "PREVIEWS_ON_INGEST", True):
        previews_queue(file=file)


def previews_status(renditions: Iterable[Rendition]) -> str:
    """Overall: `ready` when all are, `failed` when any failed, `processing` while any is not done; `none` without any."""
    statuses = [rendition.status for rendition in renditions]
    if not statuses:
        return "none"
    if any(status == RenditionStatus.FAILED for status in statuses):
        return "failed"
    if all(status == RenditionStatus.READY for status in statuses):
        return "ready"
    return "processing"


def rendition_storage_names(file_ids: Iterable[int]) -> list[str]:
    """The stored objects of these files' renditions (to delete after commit with the files)."""
    return [name for name in Rendition.objects.filter(file_id__in=list(file_ids)).values_list("storage_name", flat=True)
            if name]


def with_preview_counts(queryset):
    """Files annotated with their renditions' counts (`preview_total`, `_ready`, `_failed`): status in the same query."""
    def count(*statuses):
        rows = Rendition.objects.filter(file=OuterRef("pk"))
        if statuses:
            rows = rows.filter(status__in=statuses)
        return Coalesce(Subquery(rows.order_by().values("file").annotate(n=Count("pk")).values("n")[:1]), 0)

    return queryset.annotate(preview_total=count(), preview_ready=count(RenditionStatus.READY),
                             preview_failed=count(RenditionStatus.FAILED))


def preview_status_of(file) -> str:
    """The file's overall preview status, from `with_preview_counts` when annotated (else one query)."""
    if not hasattr(file, "preview_total"):
        return previews_status(Rendition.objects.filter(file_id=file.pk).only("status"))
    if not file.preview_total:
        return "none"
    if file.preview_failed:
        return "failed"
    return "ready" if file.preview_ready == file.preview_total else "processing"
