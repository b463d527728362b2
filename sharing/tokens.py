"""Share-link tokens: 256 random bits, shown once, kept only as a SHA-256 hash.

A guest's token is hashed and the hash looked up through a unique index,
so no token is ever compared character by character in Python (nothing
to time) and a database leak gives no working link.
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX_LENGTH = 8


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", errors="replace")).hexdigest()


def token_new() -> tuple[str, str, str]:
    """(token, its hash, its prefix) for a new link."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token), token[:PREFIX_LENGTH]
