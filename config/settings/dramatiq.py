"""Dramatiq: the broker render and ingest jobs travel through.

With DRAMATIQ_BROKER_URL unset, the broker is in-process (StubBroker) and
the embedded server runs a worker in the same process; with redis:// or
amqp:// workers are separate processes on any number of machines.
"""

from config.settings.base import env

DRAMATIQ_BROKER_URL = env.str("DRAMATIQ_BROKER_URL", default="")


def _redis_namespace() -> str:
    # Test processes run in parallel by pytest-xdist share one Redis; each gets
    # its own queues so no worker takes another's jobs (PYTEST_XDIST_WORKER is
    # set by xdist, empty otherwise).
    return env.str("DRAMATIQ_NAMESPACE", default="dramatiq") + env.str("PYTEST_XDIST_WORKER", default="")


def _broker() -> dict:
    if DRAMATIQ_BROKER_URL.startswith(("redis://", "rediss://")):
        broker = {"BROKER": "dramatiq.brokers.redis.RedisBroker",
                  "OPTIONS": {"url": DRAMATIQ_BROKER_URL, "namespace": _redis_namespace()}}
    elif DRAMATIQ_BROKER_URL.startswith(("amqp://", "amqps://")):
        broker = {"BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker", "OPTIONS": {"url": DRAMATIQ_BROKER_URL}}
    else:
        broker = {"BROKER": "dramatiq.brokers.stub.StubBroker", "OPTIONS": {}}
    broker["MIDDLEWARE"] = [
        "dramatiq.middleware.AgeLimit",
        "dramatiq.middleware.TimeLimit",
        "dramatiq.middleware.Callbacks",
        "dramatiq.middleware.Pipelines",
        "dramatiq.middleware.Retries",
        "django_dramatiq.middleware.DbConnectionsMiddleware",
        # The job machine's sweeper (re-queues jobs of dead workers), in every worker process.
        "config.jobs.middleware.JobSweeper",
        "config.workers.heartbeat.Heartbeats",  # a heartbeat row per worker process (config.workers)
    ]
    return broker


DRAMATIQ_BROKER = _broker()
DRAMATIQ_AUTODISCOVER_MODULES = ["tasks"]

# Render threads of the embedded worker (each render is one ffmpeg process).
EMBEDDED_WORKER_THREADS = env.int("EMBEDDED_WORKER_THREADS", default=2)

# The job machine (config.jobs), named for renders, its first job. A worker
# renews its lease while it works; a lease left to expire means the worker
# died, and the sweeper (every RENDER_SWEEP_SECONDS, in every worker)
# re-queues the job, up to JOB_MAX_ATTEMPTS attempts.
RENDER_TIME_LIMIT = env.float("RENDER_TIME_LIMIT", default=3600.0)
RENDER_MAX_TIME_LIMIT = env.float("RENDER_MAX_TIME_LIMIT", default=6 * 3600.0)
RENDER_LEASE_SECONDS = env.float("RENDER_LEASE_SECONDS", default=30.0)
RENDER_SWEEP_SECONDS = env.float("RENDER_SWEEP_SECONDS", default=10.0)
RENDER_PENDING_RESEND_SECONDS = env.float("RENDER_PENDING_RESEND_SECONDS", default=600.0)
# Attempts the sweeper starts before it gives up on a job whose workers keep dying.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# Segment-parallel renders (docs/rendering.md): the length of one segment; json.segments "auto"
# splits a video render longer than 1.5 segments into segments of about this many seconds.
RENDER_SEGMENT_SECONDS = env.float("RENDER_SEGMENT_SECONDS", default=60.0)
RENDER_WORK_DIR = env.str("RENDER_WORK_DIR", default="") or None

# Webhooks and URL imports may reach only public addresses, plus these CIDRs
# an operator trusts explicitly (e.g. "10.0.5.0/24" for an internal server).
MONTAGE_TRUSTED_NETWORKS = env.list("MONTAGE_TRUSTED_NETWORKS", default=[])
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=15.0)

# How long a request waits for a worker to render a project thumbnail (stored in the media storage).
PREVIEW_WAIT_SECONDS = env.float("PREVIEW_WAIT_SECONDS", default=30.0)

# Previews of every File (media_assets.previews): made on ingest by a worker on the `previews` queue.
PREVIEWS_ON_INGEST = env.bool("PREVIEWS_ON_INGEST", default=True)
# The frame video thumbnails show, as a fraction of the duration.
PREVIEW_THUMBNAIL_AT = env.float("PREVIEW_THUMBNAIL_AT", default=0.1)
