"""Whole-project operations: deep copy and merge (OpenShot's /copy/ and /merge/).

Both copy media in storage (a File belongs to one project, and a copy
must be deletable without touching its original) and both are all or
nothing: the rows are written in one transaction and media written for a
failed operation is deleted again (`media_written`).

Merge instructions (OpenShot's "advanced JSON merge instructions") are in
`projects.merging`; this module applies them.
"""

from __future__ import annotations

import copy
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from media_assets.copying import file_copy, media_written
from media_assets.models import File
from projects.merging import MergeInstruction, MergeItem, apply_instructions
from projects.models import Clip, Effect, Project

log = logging.getLogger("montage.projects")

#: the settings a copy takes from its original (everything but identity, owner and timestamps)
PROJECT_SETTINGS = (
    "width", "height", "fps_num", "fps_den", "sample_rate", "channels", "channel_layout", "video_format",
    "video_codec", "video_bitrate", "audio_codec", "audio_bitrate",
)
TIMELINE_FIELDS = ("position", "start", "end", "layer")


def project_copy(*, project: Project, name: str, owner) -> Project:
    """A deep copy: the settings, every file (media copied), clip and effect; exports are not copied."""
    with media_written() as written, transaction.atomic():
        clone = Project.objects.create(
            owner=owner, name=name, json=copy.deepcopy(project.json or {}),
            **{field: getattr(project, field) for field in PROJECT_SETTINGS},
        )
        files = _copy_files(project, clone, owner, written)
        Clip.objects.bulk_create(
            Clip(owner=owner, project=clone, file=files[clip.file_id], json=copy.deepcopy(clip.json or {}),
                 **{field: getattr(clip, field) for field in TIMELINE_FIELDS})
            for clip in Clip.objects.filter(project=project).order_by("id")
        )
        Effect.objects.bulk_create(
            Effect(owner=owner, project=clone, title=effect.title, type=effect.type, json=copy.deepcopy(effect.json or {}),
                   **{field: getattr(effect, field) for field in TIMELINE_FIELDS})
            for effect in Effect.objects.filter(project=project).order_by("id")
        )
    log.info("project %s copied to %s (%d files)", project.pk, clone.pk, len(files))
    return clone


def project_merge(
    *, project: Project, source: Project, position: float, layer: int, instructions: list[MergeInstruction], owner
) -> Project:
    """Bring `source`'s files, clips and effects into `project`, offset, then adjusted by the instructions.

    Each merged clip and effect keeps the id it had in `source` as
    `json["original_merge_id"]`. An instruction that matches nothing, or
    leaves an item before 0 s or ending before it starts, is a
    ValidationError and nothing is merged.
    """
    if source.pk == project.pk:
        raise ValidationError({"project": ["A project cannot be merged into itself; copy it first, then merge the copy."]})
    incoming = [MergeItem.of(row, "clip") for row in Clip.objects.filter(project=source).order_by("id")]
    incoming += [MergeItem.of(row, "effect") for row in Effect.objects.filter(project=source).order_by("id")]
    for item in incoming:
        item.position += position
        item.layer += layer
    existing = [MergeItem.of(row, "clip") for row in Clip.objects.filter(project=project)]
    existing += [MergeItem.of(row, "effect") for row in Effect.objects.filter(project=project)]
    apply_instructions(instructions, incoming=incoming, existing=existing)
    for item in incoming:
        item.check()

    with media_written() as written, transaction.atomic():
        files = _copy_files(source, project, owner, written)
        clips, effects = [], []
        for item in incoming:
            row = item.row
            values = {"position": item.position, "start": item.start, "end": item.end, "layer": item.layer,
                      "json": {**copy.deepcopy(row.json or {}), "original_merge_id": row.pk}}
            if item.kind == "clip":
                clips.append(Clip(owner=owner, project=project, file=files[row.file_id], **values))
            else:
                effects.append(Effect(owner=owner, project=project, title=row.title, type=row.type, **values))
        Clip.objects.bulk_create(clips)
        Effect.objects.bulk_create(effects)
        project.save(update_fields=["date_updated"])  # the timeline changed
    log.info("project %s merged into %s: %d clips, %d effects, %d files", source.pk, project.pk, len(clips), len(effects), len(files))
    return project


def _copy_files(source: Project, target: Project, owner, written: list[str]) -> dict[int, File]:
    return {
        file.pk: file_copy(file=file, owner=owner, project=target, written=written)
        for file in File.objects.filter(project=source).order_by("id")
    }


def project_files_in_range(*, project: Project, position: float, length: float | None, filename_contains: str = "") -> list[File]:
    """Files of the clips that overlap [position, position + length) (to the end when length is None), by id.

    `filename_contains` keeps the files whose name contains it (any case).
    """
    overlapping = Clip.objects.filter(project=project).annotate(
        timeline_end=F("position") + F("end") - F("start")
    ).filter(timeline_end__gt=position)
    if length is not None:
        overlapping = overlapping.filter(position__lt=position + length) if length > 0 else overlapping.filter(
            position__lte=position)
    files = File.objects.filter(pk__in=overlapping.values("file_id")).order_by("id")
    wanted = filename_contains.strip().lower()
    return [file for file in files if wanted in file.name.lower()]
