"""The tus 1.0.0 resumable upload protocol's vocabulary: its headers, metadata and checksums (no Django).

https://tus.io/protocols/resumable-upload: core, and the creation,
termination, expiration and checksum extensions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration,checksum"
CHECKSUM_ALGORITHMS = ("sha256", "sha1", "md5")
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
#: the status tus answers for a chunk whose Upload-Checksum does not match its bytes
CHECKSUM_MISMATCH = 460


class TusError(ValueError):
    """A header the protocol does not allow; the message says which and why."""


def metadata_parse(header: str) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64(value)` pairs (the value may be left out)."""
    result: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, encoded = pair.partition(" ")
        if not key or " " in encoded.strip() or key in result:
            raise TusError(f"Upload-Metadata has a malformed or repeated pair: {pair[:60]!r}.")
        try:
            result[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(f"Upload-Metadata's {key!r} is not base64 of UTF-8 text.") from None
    return result


def metadata_format(values: dict[str, str]) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def non_negative(header: str | None, name: str) -> int:
    """A header holding a byte count or offset: digits only."""
    text = (header or "").strip()
    if not text.isdigit() or len(text) > 19:
        raise TusError(f"{name} must be a non-negative whole number of bytes.")
    return int(text)


@dataclass(frozen=True)
class Checksum:
    """`Upload-Checksum: <algorithm> <base64 digest>` of one PATCH's bytes."""

    algorithm: str
    digest: bytes

    def hasher(self):
        return hashlib.new(self.algorithm)


def checksum_parse(header: str | None) -> Checksum | None:
    if not header:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm.lower() not in CHECKSUM_ALGORITHMS:
        raise TusError(f"Upload-Checksum's algorithm {algorithm!r} is not one of {', '.join(CHECKSUM_ALGORITHMS)}.")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise TusError("Upload-Checksum's digest is not base64.") from None
    return Checksum(algorithm.lower(), digest)


def expires_header(when) -> str:
    """An HTTP date (RFC 9110), as Upload-Expires takes it."""
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")
