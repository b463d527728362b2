"""Dramatiq actors of media_assets: a file's previews, thin (an id in, one service call).

The job kind is registered here, beside its actor, on the job machine
(config.jobs); this module is imported at start-up by config.jobs.apps.
Previews travel on the `previews` queue (with project thumbnails), so
they never wait behind renders. Retries are the machine's (lease and
sweeper), never the broker's.
"""

import dramatiq

from config.jobs.registry import job_kind_register
from media_assets.previews import making
from media_assets.previews.services import PREVIEWS_JOB

# Generous: the run enforces its own time limit on the ffmpeg process.
ACTOR_TIME_LIMIT_MS = 6 * 3600 * 1000


@dramatiq.actor(queue_name="previews", max_retries=0, time_limit=ACTOR_TIME_LIMIT_MS)
def make_file_previews(job_id: int) -> None:
    making.file_previews_make(job_id=job_id)


job_kind_register(PREVIEWS_JOB)
