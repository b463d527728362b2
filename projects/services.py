"""What happens to projects as a whole."""

import logging

from django.db import transaction

from media_assets.models import File
from media_assets.services import storage_delete_after_commit
from projects.models import Project

log = logging.getLogger("montage.projects")


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Delete the project, its files, clips and effects, and (after commit) their media."""
    names = list(File.objects.filter(project=project).values_list("media", flat=True))
    project_id = project.pk
    project.delete()
    storage_delete_after_commit(names)
    log.info("project %s deleted with %d media files", project_id, len(names))
