"""What review announces, so that notifications (above it) can tell subscribers without review naming it.

`review_event`: something happened to a note that a person may want to
hear about. Subscribe once, from a higher app's `AppConfig.ready()`:

    from review.hooks import on_review_event
    on_review_event(callback)

A callback is called as `callback(event, user_ids=[...], payload={...})`
after the transaction that made the change commits (never on rollback),
with `event` one of `REVIEW_EVENTS`, `user_ids` the users concerned (never
the person who made the change) and `payload` plain JSON. One that raises is
logged and breaks neither the change nor the other callbacks.

- `comment.created`: a note or reply; to the catalog's owner and, for a
  reply, the parent note's author.
- `comment.mentioned`: to each user @mentioned who may read the asset.
- `comment.resolved`: to the note's author.

(`version.added` comes from media_assets' own hook, `on_version_added`: version
stacks live there.)
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable

from django.db import transaction

log = logging.getLogger(__name__)

REVIEW_EVENTS = ("comment.created", "comment.mentioned", "comment.resolved")

ReviewCallback = Callable[..., None]
_callbacks: list[ReviewCallback] = []


def on_review_event(callback: ReviewCallback) -> ReviewCallback:
    """Call `callback(event, user_ids=..., payload=...)` after each review event commits."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def off_review_event(callback: ReviewCallback) -> None:
    if callback in _callbacks:
        _callbacks.remove(callback)


def review_event_announce(event: str, *, user_ids: Iterable[int], actor_id: int | None, payload: dict) -> None:
    """Announce `event` to the users concerned (without the one who acted) once the transaction commits."""
    assert event in REVIEW_EVENTS, event
    users = sorted({user_id for user_id in user_ids if user_id is not None and user_id != actor_id})
    if users:
        transaction.on_commit(lambda: _run(event, users, payload))


def _run(event: str, user_ids: list[int], payload: dict) -> None:
    for callback in list(_callbacks):
        try:
            callback(event, user_ids=user_ids, payload=payload)
        except Exception:  # a listener's failure is its own; the note is saved either way
            log.exception("review event %s: the callback %s failed", event, getattr(callback, "__name__", callback))
