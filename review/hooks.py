"""What review announces, so that notifications (above it) can tell subscribers without review naming it.

`review_event`: something happened to a note that a person may want to
hear about. Subscribe once, from a higher app's `AppConfig.ready()`:

    from review.hooks import on_review_event
    on_review_event(callback)

A callback is called as `callback(event, user_ids=[...], payload={...})`
after the transaction that made the change commits (never on rollback),
with `event` one of `REVIEW_EVENTS`, `user_ids` the users concerned (never
the person who made the change) and `payload` plain JSON. It is a
`config.hooks.Hook` with its promises: one that raises is logged and breaks
neither the change nor the other callbacks.

- `comment.created`: a note or reply; to the catalog's owner and, for a
  reply, the parent note's author.
- `comment.mentioned`: to each user @mentioned who may read the asset.
- `comment.resolved`: to the note's author.

(`version.added` comes from media_assets' own hook, `on_version_added`: version
stacks live there.)
"""

from __future__ import annotations

from typing import Iterable

from config.hooks import Hook

REVIEW_EVENTS = ("comment.created", "comment.mentioned", "comment.resolved")

#: `callback(event, user_ids=..., payload=...)` after each review event commits
review_event = Hook("review_event", logger="montage.review")
on_review_event = review_event.subscribe
off_review_event = review_event.unsubscribe


def review_event_announce(event: str, *, user_ids: Iterable[int], actor_id: int | None, payload: dict) -> None:
    """Announce `event` to the users concerned (without the one who acted) once the transaction commits."""
    assert event in REVIEW_EVENTS, event
    users = sorted({user_id for user_id in user_ids if user_id is not None and user_id != actor_id})
    if users:
        review_event.announce(event, user_ids=users, payload=payload)
