"""Dramatiq actors for renders and project thumbnails: thin, an id in and one service call.

Their job kinds are registered here, beside the actors, on the job machine
(config.jobs); this module is imported at start-up by config.jobs.apps.
Retries belong to the machine's lease and sweeper (the job's state lives
in its row), so the broker never re-runs a job on its own.
"""

import dramatiq
from django.conf import settings

from config.jobs.registry import housekeeping_register, job_kind_register
from exports import previews, services
from exports.services import segments

# Generous: a render enforces its own time limit on the ffmpeg process.
ACTOR_TIME_LIMIT_MS = int((settings.RENDER_MAX_TIME_LIMIT + 600) * 1000)


@dramatiq.actor(queue_name="renders", max_retries=0, time_limit=ACTOR_TIME_LIMIT_MS)
def render_export(export_id: int) -> None:
    services.export_render(export_id=export_id)


# One segment (or the sound) of a segment-parallel render: any worker on the renders queue may take it.
@dramatiq.actor(queue_name="renders", max_retries=0, time_limit=ACTOR_TIME_LIMIT_MS)
def render_export_segment(job_id: int) -> None:
    segments.export_segment_render(job_id=job_id)


# A queue of its own, so a thumbnail does not wait behind long renders.
@dramatiq.actor(queue_name="previews", max_retries=0, time_limit=120_000)
def render_project_frame(job_id: int) -> None:
    previews.project_frame_render(job_id=job_id)


job_kind_register(services.EXPORT_JOB)
job_kind_register(previews.PROJECT_FRAME_JOB)
job_kind_register(segments.SEGMENT_JOB)
housekeeping_register("export-segments-join", segments.segments_housekeeping)
