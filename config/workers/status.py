"""What the workers page says: live processes, queue lengths, oldest pending jobs, warnings.

One query reads the heartbeat rows; `live_queues` is what a representation
asks once per request to decide whether a pending job will be picked up.
"""

from __future__ import annotations

from django.utils import timezone

from config.workers.models import WorkerProcess
from config.workers.queues import known_queues, pending_since, queue_length

RENDER_QUEUE = "renders"
START_A_WORKER = "start one with `python manage.py rundramatiq`, or use `./scripts/serve`"


def no_worker_warning(queue_name: str) -> str:
    """The sentence a pending job carries when no live worker consumes its queue."""
    if queue_name == RENDER_QUEUE:
        return f"no render worker is running: {START_A_WORKER}"
    return f"no worker consumes the '{queue_name}' queue: {START_A_WORKER}"


def live_queues(now=None) -> set[str]:
    """Names of the queues at least one live worker consumes (one query)."""
    return {name for queues in WorkerProcess.objects.live(now).values_list("queues", flat=True) for name in queues}


def workers_status(*, broker, staff: bool, now=None) -> dict:
    """Workers and queues as `/info/workers/` answers; processes (host, pid, jobs) only for staff."""
    now = now or timezone.now()
    processes = list(WorkerProcess.objects.all())
    live = [process for process in processes if process.is_live(now)]
    served = {name for process in live for name in process.queues}
    queues = []
    for name in sorted(known_queues(broker) | served):
        since = pending_since(name, broker)
        queues.append({
            "name": name,
            "length": queue_length(broker, name),
            "workers": sum(1 for process in live if name in process.queues),
            "oldest_pending_seconds": round((now - since).total_seconds(), 1) if since else None,
            "warning": None if name in served else no_worker_warning(name),
        })
    answer = {"live": len(live), "stale": len(processes) - len(live), "queues": queues}
    if staff:
        answer["processes"] = [{
            "hostname": process.hostname, "pid": process.pid, "queues": process.queues, "threads": process.threads,
            "started": process.started.isoformat(), "last_seen": process.last_seen.isoformat(),
            "live": process.is_live(now), "current": process.current,
        } for process in processes]
    return answer
