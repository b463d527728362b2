"""Worker heartbeats (config.workers): how often a worker says it is alive, and when it counts as gone."""

from config.settings.base import env

# A worker process writes its row this often (and at once when a job starts or ends).
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=5.0)
# A row not refreshed for this long is a worker that died: not counted as live.
WORKER_STALE_SECONDS = env.float("WORKER_STALE_SECONDS", default=30.0)
# A job pending this long with no live worker for its queue says so (json.warning on exports).
WORKER_WARNING_AFTER_SECONDS = env.float("WORKER_WARNING_AFTER_SECONDS", default=5.0)
# Rows of dead workers are removed when any worker starts, once they are this old.
WORKER_FORGET_SECONDS = env.float("WORKER_FORGET_SECONDS", default=24 * 3600.0)

# One log line per HTTP request; `manage.py serve` turns it on (config.request_log).
MONTAGE_REQUEST_LOG = env.bool("MONTAGE_REQUEST_LOG", default=False)
