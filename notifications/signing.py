"""The signature a receiver checks: `X-Montage-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`."""

from __future__ import annotations

import hashlib
import hmac


def body_signature(*, secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(*, secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (and the tests): compare in constant time."""
    return hmac.compare_digest(body_signature(secret=secret, body=body), header or "")
