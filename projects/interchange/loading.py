"""/projects/<id>/load/: replace a project's contents with an OpenShot project (or OTIO) and its media.

The project data comes from `json` (an OpenShot project object, or an
OpenTimelineIO document), or from the project file inside `archive` (the
one `.osp`, `.json` or `.otio` in it). Each file the project names is
found, in order:

1. in the archive: the entry at its `path`, else the only entry with that
   file name (OpenShot writes paths relative to the project file);
2. among the caller's own stored media: a `path` equal to the stored name
   of one of their files (what `json/` writes), whose media is copied.

Everything is checked before anything is written: the archive within its
limits (`archive`), the project data, every file found, every archive
entry probed as media (once: the probe goes with the entry into
`media_assets.ingest.file_ingest`). Then, in one transaction, the old files, clips
and effects are replaced by the new ones and the settings updated; the
old media is deleted after commit. If anything fails, the media written
so far is deleted again and the project is as it was.
"""

from __future__ import annotations

import json
import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from media_assets.copying import file_copy, media_written
from media_assets.hooks import IngestOrigin
from media_assets.ingest import PROBE_KEYS, file_ingest, path_probe
from media_assets.local_files import LocalMedia
from media_assets.models import File
from media_assets.probe import NotMedia
from media_assets.previews.services import rendition_storage_names
from media_assets.services import storage_delete_after_commit
from projects.interchange.archive import ExtractedArchive, extract_archive, refused
from projects.interchange.osp import PROJECT_JSON_KEYS, plan_from_osp
from projects.interchange.otio_reading import is_otio, plan_from_otio
from projects.interchange.plan import LoadPlan, PlannedFile, invalid
from projects.models import Clip, Effect, Project

log = logging.getLogger("montage.projects")


@dataclass
class _Source:
    stored: File | None = None  # one of the caller's files, whose media is copied
    local: Path | None = None  # an extracted archive entry
    entry: str = ""
    probe: dict | None = None


def project_load(*, project: Project, owner, data: dict | None, archive: UploadedFile | None) -> Project:
    """Replace the project's settings, files, clips and effects with those of the given project data."""
    if not data and archive is None:
        raise invalid("Give the project data (json), a ZIP archive of a project and its media (archive), or both.")
    extracted = extract_archive(archive) if archive is not None else None
    try:
        if not data:
            data = _project_file_data(extracted)
        plan = plan_from_otio(data) if is_otio(data) else plan_from_osp(data)
        sources = {planned.key: _find(planned, extracted, owner) for planned in plan.files}
        for planned in plan.files:
            _probe(sources[planned.key])
        _replace_contents(project, owner, plan, sources)
    finally:
        if extracted is not None:
            extracted.close()
    log.info("project %s loaded: %d files, %d clips, %d effects", project.pk, len(plan.files), len(plan.clips),
             len(plan.effects))
    project.refresh_from_db()
    return project


def _project_file_data(extracted: ExtractedArchive) -> dict:
    candidates = extracted.project_files()
    if len(candidates) > 1:
        osp = [name for name in candidates if name.lower().endswith(".osp")]
        candidates = osp if len(osp) == 1 else candidates
    if not candidates:
        raise refused("The archive has no project file (.osp, .json or .otio); add one or send it as json.")
    if len(candidates) > 1:
        raise refused(f"The archive holds several project files ({', '.join(candidates[:5])}); send the one to load as json.")
    name = candidates[0]
    path = extracted.entries[name]
    limit = 64 * 1024 * 1024
    if path.stat().st_size > limit:
        raise refused(f"The project file {name} is larger than {limit // 2**20} MiB.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise refused(f"The project file {name} is not valid JSON ({error}).") from error
    if not isinstance(data, dict):
        raise refused(f"The project file {name} must hold a JSON object.")
    return data


def _find(planned: PlannedFile, extracted: ExtractedArchive | None, owner) -> _Source:
    if extracted is not None:
        for path in (planned.path, *planned.alternatives):
            found = extracted.find(path)
            if found is not None:
                return _Source(local=found[1], entry=found[0])
    stored = File.objects.filter(owner=owner, media__in=[planned.path, *planned.alternatives]).order_by("id").first()
    if stored is not None:
        return _Source(stored=stored)
    where = "is not in the archive and is not" if extracted is not None else "is not"
    raise invalid(
        f"The file {planned.name or planned.path!r} (path {planned.path!r}) {where} one of your stored files; "
        "send the media in a ZIP archive with the project file."
    )


def _probe(source: _Source) -> None:
    if source.local is None:
        return
    try:
        source.probe = path_probe(str(source.local))
    except NotMedia as error:
        raise refused(f"The archive entry {source.entry!r} is not media Montage accepts: {error}.") from error


def _replace_contents(project: Project, owner, plan: LoadPlan, sources: dict[str, _Source]) -> None:
    with media_written() as written, transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        old = list(File.objects.filter(project=project))
        old_previews = rendition_storage_names(file.pk for file in old)  # before the rows cascade away
        files = {planned.key: _create_file(planned, sources[planned.key], project, owner, written) for planned in plan.files}
        Clip.objects.filter(project=project).delete()
        Effect.objects.filter(project=project).delete()
        File.objects.filter(pk__in=[file.pk for file in old]).delete()
        Clip.objects.bulk_create(
            Clip(owner=owner, project=project, file=files[clip.file_key], position=clip.position, start=clip.start,
                 end=clip.end, layer=clip.layer, json=clip.json)
            for clip in plan.clips
        )
        Effect.objects.bulk_create(
            Effect(owner=owner, project=project, type=effect.type, title=effect.title, position=effect.position,
                   start=effect.start, end=effect.end, layer=effect.layer, json=effect.json)
            for effect in plan.effects
        )
        for name, value in plan.settings.items():
            setattr(project, name, value)
        kept = {key: value for key, value in (project.json or {}).items() if key not in PROJECT_JSON_KEYS}
        project.json = {**kept, **plan.project_json}
        project.save()
        storage_delete_after_commit([*(file.media.name for file in old), *old_previews])


def _create_file(planned: PlannedFile, source: _Source, project: Project, owner, written: list[str]) -> File:
    client = {key: value for key, value in planned.json.items() if key not in PROBE_KEYS and key != "path"}
    if planned.name:
        client["name"] = planned.name
    if source.stored is not None:
        return file_copy(file=source.stored, owner=owner, project=project, written=written, extra_json=client)
    with open(source.local, "rb") as handle:
        # not movable: two planned files may name the same archive entry
        media = LocalMedia(handle, name=posixpath.basename(source.entry) or "media", path=str(source.local))
        return file_ingest(source=media, owner=owner, project=project, json=client, probe=source.probe,
                           origin=IngestOrigin.LOAD, written=written)

