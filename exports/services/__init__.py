"""The render lifecycle: create, claim, render, publish, fail, cancel, retry, recover.

An export is a job on the job machine (config.jobs): `pending` until a
worker claims it with a lease (`in-progress`), renewed while ffmpeg runs;
it ends `completed` (output published, progress exactly 100.0) or
`failed` (reason in `json.error`). By concern:

- `lifecycle`: what clients do (create, retry, cancel, delete);
- `rendering`: the worker side (render, store, deliver, complete);
- `attempts`: whose the row is during an attempt, and how an attempt ends;
- `recovery`: the sweeper for exports of dead workers.
"""

from exports.services.attempts import EXPORT_JOB
from exports.services.lifecycle import (
    ExportStateError,
    export_cancel,
    export_create,
    export_delete,
    export_outputs_of_project,
    export_retry,
)
from exports.services.recovery import export_requeue_pending, export_sweep
from exports.services.rendering import export_claim, export_render, unexpected_error_reason

__all__ = [
    "EXPORT_JOB", "ExportStateError", "export_cancel", "export_claim", "export_create", "export_delete",
    "export_outputs_of_project", "export_render", "export_requeue_pending", "export_retry", "export_sweep",
    "unexpected_error_reason",
]
