"""What exports announces, so that higher apps (notifications) can follow renders without exports naming them.

`export_finished`: an export ended, completed or failed (a render that
failed, was cancelled, or whose workers kept dying), once per end, after
its row says so. Subscribe once, from the app's `AppConfig.ready()`:

    from exports.hooks import on_export_finished

    on_export_finished(export_finished_notify)

    def export_finished_notify(export):
        ...  # export.status is "completed" or "failed"; json["error"] says why

It is called in the process that recorded the end (a worker, most
often), after the client's own webhook, as `callback(export)`. It is a
`config.hooks.Hook` run at once (the end is already committed), with its
promises: a callback that raises is logged and changes nothing else.
"""

from __future__ import annotations

from config.hooks import Hook

#: `callback(export)` after every export ends
export_finished = Hook("export_finished", logger="montage.render", after_commit=False)
on_export_finished = export_finished.subscribe
off_export_finished = export_finished.unsubscribe
announce_export_finished = export_finished.announce
