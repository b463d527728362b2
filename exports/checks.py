"""Project validation: what would make a render fail or surprise, found before rendering."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.files.storage import default_storage

from exports.building import ReaderRefused, reader_file, reader_properties
from exports.renderer import effect_catalog
from exports.renderer.timeline import MAX_TIMELINE_END_SECONDS, MAX_TIMELINE_SECONDS, is_timeline_seconds
from projects.models import Clip, Effect, Project

#: tolerance for a clip's end past its file's duration (one frame at 24 fps)
END_SLACK_SECONDS = 1 / 24


@dataclass(frozen=True)
class Problem:
    object: str  # "project", "clip 12", "effect 3", "file 7"
    field: str
    detail: str


def project_problems(project: Project) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for the project: errors stop a render, warnings are worth a look."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    clips = list(Clip.objects.filter(project=project).select_related("file"))
    effects = list(Effect.objects.filter(project=project))
    if not clips:
        errors.append(Problem("project", "clips", "The timeline is empty: add at least one clip."))
    if (project.width % 2 or project.height % 2) and project.video_codec in ("libx264", "libx265", "h264"):
        errors.append(Problem("project", "width", f"{project.video_codec} needs an even width and height, not {project.width}x{project.height}."))
    known = {effect['class_name'] for effect in effect_catalog()}
    checked_files = set()
    for item in (*clips, *effects):
        errors.extend(_time_problems(item))
    for clip in clips:
        if clip.file_id not in checked_files:
            checked_files.add(clip.file_id)
            if not clip.file.media or not default_storage.exists(clip.file.media.name):
                errors.append(Problem(f"file {clip.file_id}", "media", "The file's media is missing from storage."))
        duration = float(clip.file.json.get("duration") or 0.0)
        still = clip.file.json.get("media_type") == "image"
        if not still and duration and clip.end > duration + END_SLACK_SECONDS:
            warnings.append(Problem(f"clip {clip.pk}", "end", f"end ({clip.end:.3f} s) is past the end of its file ({duration:.3f} s); the rest is black and silent."))
        if clip.start >= clip.end:
            errors.append(Problem(f"clip {clip.pk}", "end", "end must be after start."))
        nested_effects = (clip.json or {}).get("effects") or []
        for nested in nested_effects if isinstance(nested_effects, list) else []:
            kind = nested.get("class_name") or nested.get("type") if isinstance(nested, dict) else None
            if kind not in known:
                errors.append(Problem(f"clip {clip.pk}", "json.effects", f"Unknown effect {kind!r}; see /info/effects/."))
            else:
                errors.extend(_reader_problems(kind, nested, project, f"clip {clip.pk}", "json.effects"))
    for effect in effects:
        if effect.type not in known:
            errors.append(Problem(f"effect {effect.pk}", "type", f"Unknown effect {effect.type!r}; see /info/effects/."))
        else:
            errors.extend(_reader_problems(effect.type, effect.json or {}, project, f"effect {effect.pk}", "json"))
        if effect.start >= effect.end:
            errors.append(Problem(f"effect {effect.pk}", "end", "end must be after start."))
    return errors, warnings


def _time_problems(item: Clip | Effect) -> list[Problem]:
    """Times the renderer refuses: not finite, negative, past MAX_TIMELINE_SECONDS, or ending past twice that."""
    where = f"{'clip' if isinstance(item, Clip) else 'effect'} {item.pk}"
    problems = []
    for name in ("position", "start", "end"):
        value = getattr(item, name)
        if not is_timeline_seconds(value):
            problems.append(Problem(where, name, f"{name} must be a number of seconds from 0 to "
                                                 f"{MAX_TIMELINE_SECONDS:.0f} (it is {value!r})."))
    if not problems and not is_timeline_seconds(item.position + max(0.0, item.end - item.start),
                                                MAX_TIMELINE_END_SECONDS):
        problems.append(Problem(where, "position", f"it ends past {MAX_TIMELINE_END_SECONDS:.0f} s on the timeline."))
    return problems


def _reader_problems(kind: str, data: Any, project: Project, where: str, field: str) -> list[Problem]:
    """A file an effect reads (Mask's reader) must be one of the project owner's files."""
    problems = []
    for name in reader_properties(kind):
        try:
            reader_file((data or {}).get(name), owner=project.owner, where=where)
        except ReaderRefused as error:
            problems.append(Problem(where, f"{field}.{name}" if field == "json" else field, str(error)))
    return problems


def validation_report(project: Project) -> dict:
    errors, warnings = project_problems(project)
    detail = "The project is valid." if not errors else f"The project has {len(errors)} problem(s) that stop a render."
    return {"valid": not errors, "detail": detail, "errors": [asdict(p) for p in errors],
            "warnings": [asdict(p) for p in warnings]}
