"""What happens to projects as a whole."""

import logging
from typing import Callable, Iterable

from django.db import transaction

from config.jobs.machine import job_delete_for_target
from config.jobs.models import job_target
from media_assets.models import File
from media_assets.previews.services import rendition_storage_names
from media_assets.services import storage_delete_after_commit
from projects.models import Project

log = logging.getLogger("montage.projects")


#: What higher apps stored for a project, named when it is deleted: each hook takes the project's id
#: and returns storage names (exports: its rendered outputs). A hook, not an import or
#: `apps.get_model("exports", ...)`, because projects must not know which apps build on it (imports
#: point exports -> projects); the app that stores things for a project subscribes once at start-up
#: with `project_storage_hook`, and its rows go with the project by their foreign keys' cascade.
PROJECT_STORAGE_HOOKS: list[Callable[[int], Iterable[str]]] = []


def project_storage_hook(hook: Callable[[int], Iterable[str]]) -> Callable[[int], Iterable[str]]:
    """Subscribe `hook` (project id -> storage names deleted after commit with the project); returns it."""
    if hook not in PROJECT_STORAGE_HOOKS:
        PROJECT_STORAGE_HOOKS.append(hook)
    return hook


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Delete the project, its files, clips and effects, and (after commit) their media and everything stored for it.

    Besides the files' media: what the subscribed apps stored for it
    (`PROJECT_STORAGE_HOOKS`: exports' rendered outputs), and the results
    of the background jobs that worked on it (project thumbnails).
    """
    names = list(File.objects.filter(project=project).values_list("media", flat=True))
    names += rendition_storage_names(File.objects.filter(project=project).values_list("id", flat=True))
    stored = [name for hook in PROJECT_STORAGE_HOOKS for name in hook(project.pk)]
    stored += job_delete_for_target(target=job_target(project))
    project_id = project.pk
    project.delete()
    storage_delete_after_commit([*names, *stored])
    log.info("project %s deleted with %d media files and %d other stored objects", project_id, len(names),
             len(stored))
