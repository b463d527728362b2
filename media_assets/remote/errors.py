"""What the URL guard says when it will not fetch, or could not.

`RemoteRefused` is our decision (a forbidden address, too big, too slow);
`RemoteFailed` is the other side's doing (no such host, no connection, an
HTTP error status). Both carry `.reason`, a sentence for humans.
"""

from __future__ import annotations


class RemoteError(Exception):
    """Base of both outcomes below; `.reason` is a sentence for humans."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RemoteRefused(RemoteError):
    """We will not fetch this: forbidden URL or address, too big, too slow."""


class RemoteFailed(RemoteError):
    """We tried and the other side failed: no such host, no connection,
    broken TLS, or an HTTP error status (kept in `.status`)."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.status = status
