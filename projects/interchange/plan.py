"""What a load will create: the project's settings, files, clips and effects, checked.

Both readers (OpenShot `.osp` JSON and OTIO) produce a `LoadPlan`; the
loader then finds each planned file's media and writes everything in one
transaction. Nothing here touches the database or storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError


@dataclass
class PlannedFile:
    key: str  # the id clips refer to it by, in the project file
    path: str  # where the project file says the media is (an archive path, or a stored media name)
    json: dict  # what the project file says about it (probe keys are replaced by a new probe)
    name: str = ""
    alternatives: tuple[str, ...] = ()  # other paths that may name the same media


@dataclass(kw_only=True)
class PlannedTimelineItem:
    """What clips and effects share: a span of the timeline on a layer, and their json."""

    position: float
    start: float
    end: float
    layer: int
    json: dict


@dataclass(kw_only=True)
class PlannedClip(PlannedTimelineItem):
    file_key: str


@dataclass(kw_only=True)
class PlannedEffect(PlannedTimelineItem):
    type: str
    title: str


@dataclass
class LoadPlan:
    settings: dict[str, Any] = field(default_factory=dict)  # Project fields
    project_json: dict[str, Any] = field(default_factory=dict)
    files: list[PlannedFile] = field(default_factory=list)
    clips: list[PlannedClip] = field(default_factory=list)
    effects: list[PlannedEffect] = field(default_factory=list)

    def check_references(self) -> None:
        keys = [planned.key for planned in self.files]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise invalid(f"files: the id {duplicates[0]!r} is used by more than one file.")
        known = set(keys)
        for index, clip in enumerate(self.clips, start=1):
            if clip.file_key not in known:
                raise invalid(f"clips[{index}]: its file_id {clip.file_key!r} is not in the project's files.")


def invalid(message: str) -> ValidationError:
    """A 400 on the `json` field (the project data), with the message."""
    return ValidationError({"json": [message]})
