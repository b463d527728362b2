"""What exports announces, so that higher apps (notifications) can follow renders without exports naming them.

`export_finished`: an export ended, completed or failed (a render that
failed, was cancelled, or whose workers kept dying), once per end, after
its row says so. Subscribe once, from the app's `AppConfig.ready()`:

    from exports.hooks import on_export_finished

    on_export_finished(export_finished_notify)

    def export_finished_notify(export):
        ...  # export.status is "completed" or "failed"; json["error"] says why

It is called in the process that recorded the end (a worker, most
often), after the client's own webhook, as `callback(export)`. A
callback that raises is logged and neither changes the export nor keeps
the others from running; it must be quick (queue work, do not do it).
Subscribing twice keeps one subscription.
"""

from __future__ import annotations

import logging

log = logging.getLogger("montage.render")

_export_finished: list = []


def on_export_finished(callback):
    """Call `callback(export)` after every export ends; returns it (usable as a decorator)."""
    if callback not in _export_finished:
        _export_finished.append(callback)
    return callback


def off_export_finished(callback) -> None:
    if callback in _export_finished:
        _export_finished.remove(callback)


def announce_export_finished(export) -> None:
    for callback in list(_export_finished):
        try:
            callback(export)
        except Exception:  # a listener's failure is its own; the export ended either way
            log.exception("export %s finished: the export_finished callback %s failed", export.pk,
                          getattr(callback, "__qualname__", callback))
