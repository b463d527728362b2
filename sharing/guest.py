"""The guest side's state: which link a token opens, the guest session, the unlock throttle, signed media URLs.

A token opens a link only while it is active and unexpired; anything else
is the same 404 as a token that never existed. A password-protected
link is unlocked for one browser session (Django's session, keyed by
link id) by the right password; wrong passwords are counted per link
(`UnlockAttempt`) and after SHARE_UNLOCK_ATTEMPTS in
SHARE_UNLOCK_WINDOW_SECONDS the link answers 429 with Retry-After.

Media URLs handed to a guest (`<video src>`, downloads) are signed with
`django.core.signing` for SHARE_MEDIA_URL_SECONDS and name the link, the
item's index and the asset; the serving route checks all three again, so
a URL outlives neither its link nor the item's place in it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core import signing
from django.http import Http404
from django.utils import timezone

from sharing.models import ShareLink, UnlockAttempt
from sharing.tokens import token_hash

SESSION_KEY = "montage_share_unlocked"
MEDIA_SALT = "sharing.guest-media"
MAX_TOKEN_LENGTH = 128


def link_for_token(token: str) -> ShareLink:
    """The open link `token` names, or Http404 (unknown, revoked and expired alike)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Http404
    link = (ShareLink.objects.select_related("owner", "asset", "playlist", "smart_folder")
            .filter(token_hash=token_hash(token), is_active=True, expires_at__gt=timezone.now()).first())
    if link is None:
        raise Http404
    return link


def link_unlocked(request, link: ShareLink) -> bool:
    return not link.has_password or link.pk in request.session.get(SESSION_KEY, [])


def unlock_retry_after(link: ShareLink) -> int | None:
    """Seconds until the next attempt is allowed, or None if attempts are allowed now."""
    window = timedelta(seconds=settings.SHARE_UNLOCK_WINDOW_SECONDS)
    recent = list(UnlockAttempt.objects.filter(link=link, time__gt=timezone.now() - window)
                  .order_by("-time").values_list("time", flat=True)[: settings.SHARE_UNLOCK_ATTEMPTS])
    if len(recent) < settings.SHARE_UNLOCK_ATTEMPTS:
        return None
    oldest = recent[-1]
    return max(1, int((oldest + window - timezone.now()).total_seconds()) + 1)


def link_unlock(request, link: ShareLink, password: str) -> bool:
    """True (and the session remembers it) if `password` is the link's; a wrong one is counted."""
    if not link.has_password or check_password(password, link.password):
        unlocked = set(request.session.get(SESSION_KEY, []))
        unlocked.add(link.pk)
        request.session[SESSION_KEY] = sorted(unlocked)
        return True
    UnlockAttempt.objects.create(link=link)
    return False


def media_signature(*, link: ShareLink, index: int, asset_id: int, purpose: str) -> str:
    return signing.dumps({"l": link.pk, "n": index, "a": asset_id, "p": purpose}, salt=MEDIA_SALT, compress=True)


def media_signature_check(signature: str, *, purpose: str) -> dict:
    """The signed values, or Http404 (tampered, expired, or signed for another purpose)."""
    try:
        values = signing.loads(signature, salt=MEDIA_SALT, max_age=settings.SHARE_MEDIA_URL_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    if not isinstance(values, dict) or values.get("p") != purpose:
        raise Http404
    return values
