"""What sharing announces, so that higher apps (notifications) can act on it without sharing naming them.

`share_viewed`: a guest opened a share link (`GET /s/<token>/` answered
200). Subscribe once, from the app's `AppConfig.ready()`:

    from sharing.hooks import on_share_viewed

    on_share_viewed(share_viewed_notify)

    def share_viewed_notify(link, *, access):
        ...  # queue work: this runs in the guest's request

A callback is called as `callback(link, access=...)` (the `ShareLink` and
the `ShareAccess` row just recorded) after the view's transaction commits.
One that raises is logged and keeps neither the guest's answer nor the
other callbacks from happening. Subscribing twice keeps one subscription.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger("montage.sharing")

_share_viewed: list = []


def on_share_viewed(callback):
    """Call `callback(link, access=...)` after every guest view commits; returns it."""
    if callback not in _share_viewed:
        _share_viewed.append(callback)
    return callback


def off_share_viewed(callback) -> None:
    if callback in _share_viewed:
        _share_viewed.remove(callback)


def announce_share_viewed(link, *, access) -> None:
    transaction.on_commit(lambda: _run(link, access))


def _run(link, access) -> None:
    for callback in list(_share_viewed):
        try:
            callback(link, access=access)
        except Exception:  # a listener's failure is its own; the guest got their answer
            log.exception("share link %s viewed: the share_viewed callback %s failed", link.pk,
                          getattr(callback, "__qualname__", callback))
