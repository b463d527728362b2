"""What sharing announces, so that higher apps (notifications) can act on it without sharing naming them.

`share_viewed`: a guest opened a share link (`GET /s/<token>/` answered
200). Subscribe once, from the app's `AppConfig.ready()`:

    from sharing.hooks import on_share_viewed

    on_share_viewed(share_viewed_notify)

    def share_viewed_notify(link, *, access):
        ...  # queue work: this runs in the guest's request

A callback is called as `callback(link, access=...)` (the `ShareLink` and
the `ShareAccess` row just recorded) after the view's transaction commits.
It is a `config.hooks.Hook` with its promises: one that raises is logged
and keeps neither the guest's answer nor the other callbacks from happening.
"""

from __future__ import annotations

from config.hooks import Hook

#: `callback(link, access=...)` after every guest view commits
share_viewed = Hook("share_viewed", logger="montage.sharing")
on_share_viewed = share_viewed.subscribe
off_share_viewed = share_viewed.unsubscribe


def announce_share_viewed(link, *, access) -> None:
    share_viewed.announce(link, access=access)
