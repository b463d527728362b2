"""The mail a mentioned user gets (`comment.mentioned`), through Django's mail framework (EMAIL_URL)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

log = logging.getLogger("montage.notifications")


def mention_mail_send(*, user_ids, payload: dict) -> int:
    """Email each mentioned user who has an address; the number of mails sent.

    `payload` is review's `comment.mentioned` payload: `author` (a username
    or guest name), `asset` ({"name"}), `comment` ({"text", "frame"}) and
    `url` (the comment's URL), any of which may be missing.
    """
    users = get_user_model().objects.filter(pk__in=set(user_ids), is_active=True).exclude(email="")
    author = payload.get("author") or "someone"
    asset = (payload.get("asset") or {}).get("name") or "an asset"
    comment = payload.get("comment") or {}
    frame = comment.get("frame")
    where = f" at {frame.get('txt')}" if isinstance(frame, dict) and frame.get("txt") else ""
    sent = 0
    for user in users:
        body = (f"Hello {user.get_username()},\n\n{author} mentioned you in a comment on {asset}{where}:\n\n"
                f"{comment.get('text', '')}\n\n{payload.get('url', '')}\n")
        sent += send_mail(subject=f"{author} mentioned you on {asset}", message=body,
                          from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email], fail_silently=True)
    if sent:
        log.info("mention mail sent to %d user(s) for %s", sent, asset)
    return sent
