"""API tokens: made on request, stored hashed, capped per user, revocable.

A key is 64 random hex characters; the database keeps its digest
(django-rest-knox hashes and compares it), so a copy of the database holds
no usable key. Each `POST /tokens/`, `manage.py createtoken` or admin
action makes a new token and shows its key once. Past the per-user cap the
least recently used tokens are revoked first; tokens may expire after
`API_TOKEN_TTL_DAYS` (off by default).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.models import ApiToken

logger = logging.getLogger(__name__)

#: `last_used` is written at most this often per token, so reads do not all become writes
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_create(*, user) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (the only time the key is known); revokes the least recently used past the cap."""
    ttl_days = settings.API_TOKEN_TTL_DAYS
    with transaction.atomic():
        token, key = ApiToken.objects.create(user=user, expiry=timedelta(days=ttl_days) if ttl_days else None)
        surplus = list(
            ApiToken.objects.filter(user=user)
            .order_by(Coalesce("last_used", "created").desc(), "-created")
            .values_list("digest", flat=True)[settings.API_TOKEN_LIMIT_PER_USER:]
        )
        if surplus:
            ApiToken.objects.filter(digest__in=surplus).delete()
            logger.info("tokens revoked user=%s count=%d reason=over the cap of %d per user",
                        user.pk, len(surplus), settings.API_TOKEN_LIMIT_PER_USER)
    return token, key


def token_regenerate(*, user) -> tuple[ApiToken, str]:
    """Revoke every token of `user` and make one new one."""
    with transaction.atomic():
        ApiToken.objects.filter(user=user).delete()
        return token_create(user=user)


def token_revoke(*, user, token_key: str) -> bool:
    """Revoke the token of `user` named by its prefix; False if they have none such."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return bool(deleted)


def token_touch(token: ApiToken) -> None:
    """Record that the token was just used (at most once per LAST_USED_RESOLUTION)."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        token.last_used = now
        ApiToken.objects.filter(digest=token.digest).update(last_used=now)
