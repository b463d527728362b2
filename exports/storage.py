"""How much storage an export or a whole project uses (the /storage/ endpoints).

A project's storage is its files' media plus its exports' outputs, measured
by media_assets.storage.storage_used with the backend the client asks for
(`local`, `cloud` or `json`, as the OpenShot documentation describes).
"""

from __future__ import annotations

from exports.models import Export
from media_assets.models import File
from media_assets.storage import storage_used
from projects.models import Project


def export_storage_used(*, export: Export, backend: str) -> int:
    return storage_used(backend=backend, objects=[(export.output.name, (export.json or {}).get("file_size"))])


def project_storage_used(*, project: Project, backend: str) -> int:
    files = File.objects.filter(project=project, owner=project.owner).values_list("media", "json__file_size")
    outputs = (Export.objects.filter(project=project, owner=project.owner).exclude(output="")
               .values_list("output", "json__file_size"))
    return storage_used(backend=backend, objects=[*files, *outputs])
