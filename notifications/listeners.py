"""Where notifications listens: the hooks lower apps announce, turned into events for subscribers.

* `exports.hooks.on_export_finished` → `export.completed` / `export.failed`, to the export's owner;
* `sharing.hooks.on_share_viewed` → `share.viewed`, to the link's maker;
* `review.hooks.on_review_event` → `comment.created`, `comment.resolved`,
  `comment.mentioned`, to the users review names; `comment.mentioned` also
  emails them (review/hooks.py documents who is concerned by each);
* `media_assets.hooks.on_version_added` → `version.added`, to the catalog's owner.
"""

from __future__ import annotations

from exports.hooks import on_export_finished
from media_assets.hooks import on_version_added
from notifications.events import event_publish
from notifications.mail import mention_mail_send
from review.hooks import on_review_event
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


def version_added_notify(asset, *, stack) -> None:
    event_publish(event="version.added", user_ids=[asset.catalog.owner_id], payload={
        "asset": {"id": asset.pk, "name": asset.name, "catalog": asset.catalog_id},
        "version": len(stack), "stack": [member.pk for member in stack],
    })


def listen() -> None:
    on_export_finished(export_finished_notify)
    on_share_viewed(share_viewed_notify)
    on_review_event(review_event_notify)
    on_version_added(version_added_notify)
