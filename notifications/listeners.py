"""Where notifications listens: the hooks lower apps announce, turned into events for subscribers.

* `exports.hooks.on_export_finished` → `export.completed` / `export.failed`, to the export's owner;
* `sharing.hooks.on_share_viewed` → `share.viewed`, to the link's maker;
* `review.hooks.on_review_event` (when the review app is installed) →
  `comment.created`, `comment.resolved`, `comment.mentioned`, `version.added`,
  to the users review names; `comment.mentioned` also emails them.

Review's contract, since review sits below notifications and cannot call
it: `review/hooks.py` offers `on_review_event(callback)` and calls
`callback(event, user_ids=[...], payload={...})` after commit, with
`event` one of the four names above and `payload` plain JSON.
"""

from __future__ import annotations

import importlib

from django.apps import apps

from exports.hooks import on_export_finished
from notifications.events import event_publish
from notifications.mail import mention_mail_send
from sharing.hooks import on_share_viewed

REVIEW_EVENTS = ("comment.created", "comment.resolved", "comment.mentioned", "version.added")


def export_finished_notify(export) -> None:
    event = "export.completed" if export.status == "completed" else "export.failed"
    event_publish(event=event, user_ids=[export.owner_id], payload={
        "export": export.pk, "project": export.project_id, "status": export.status,
        "error": (export.json or {}).get("error", ""),
        "output": export.output.name if export.output else "",
    })


def share_viewed_notify(link, *, access) -> None:
    target = link.target
    event_publish(event="share.viewed", user_ids=[link.owner_id], payload={
        "share_link": link.pk, "token_prefix": link.token_prefix, "target_type": link.target_type,
        "target": target.pk if target else None, "target_name": getattr(target, "name", ""),
        "time": access.time.isoformat(), "ip": access.ip, "guest_name": access.guest_name,
    })


def review_event_notify(event: str, *, user_ids, payload: dict) -> None:
    if event not in REVIEW_EVENTS:
        return
    user_ids = list(user_ids)
    event_publish(event=event, user_ids=user_ids, payload=payload)
    if event == "comment.mentioned":
        mention_mail_send(user_ids=user_ids, payload=payload)


def listen() -> None:
    on_export_finished(export_finished_notify)
    on_share_viewed(share_viewed_notify)
    if apps.is_installed("review"):  # review lands in parallel; its hooks module then exists
        hooks = importlib.import_module("review.hooks")
        if hasattr(hooks, "on_review_event"):
            hooks.on_review_event(review_event_notify)
