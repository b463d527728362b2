"""Downloading and posting through the guard, following redirects by hand.

Every hop of a redirect is checked from the start again; the body is
streamed with a size cap counted on the bytes that arrive. `download_to`
writes a file to a caller's file object; `post` delivers a webhook and
returns whatever status came back.
"""

from __future__ import annotations

import contextlib
import email.message
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urljoin, urlsplit

from urllib3 import HTTPResponse
from urllib3.exceptions import HTTPError

from .connection import _Deadline, _send, _too_slow, _transport_error
from .errors import RemoteFailed, RemoteRefused
from .policy import Resolver, UrlPolicy, _check, _Target

CHUNK_SIZE = 64 * 1024
POST_RESPONSE_LIMIT = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Only these keep method and body; see `post` for why the others stop.
_REPOST_STATUSES = frozenset({307, 308})


@dataclass(frozen=True)
class DownloadResult:
    final_url: str
    content_type: str | None  # media type only, lower case, e.g. "video/mp4"
    size: int
    filename_hint: str | None  # a bare name from the server; callers still sanitise


@dataclass(frozen=True)
class PostResult:
    status: int
    content_type: str | None
    text: str  # at most POST_RESPONSE_LIMIT bytes of the body, decoded


@contextlib.contextmanager
def _exchange(
    url: str, *, method: str, body: bytes | None, headers: dict, policy: UrlPolicy, resolver: Resolver
) -> Iterator[tuple[_Target, HTTPResponse, _Deadline]]:
    """Yield the final response after following the redirects we allow."""
    with _Deadline(policy.timeout) as deadline:
        for hop in range(policy.max_redirects + 1):
            try:
                target, addresses = _check(url, policy, resolver)
            except RemoteRefused as refused:
                if hop == 0:
                    raise
                raise RemoteRefused(f"redirect to {url} refused: {refused.reason}") from None
            pool, response = _send(target, addresses, method, body, headers, policy, deadline)
            try:
                location = response.headers.get("Location")
                status = response.status
                same_method_allowed = method == "GET" or status in _REPOST_STATUSES
                if not (status in _REDIRECT_STATUSES and location and same_method_allowed):
                    yield target, response, deadline
                    return
            finally:
                response.close()
                pool.close()
            url = urljoin(target.url, location)
        raise RemoteRefused(f"gave up after {policy.max_redirects} redirects")


def _chunks(response: HTTPResponse, target: _Target, policy: UrlPolicy, deadline: _Deadline) -> Iterator[bytes]:
    try:
        while chunk := response.read(CHUNK_SIZE):
            yield chunk
    except (HTTPError, OSError) as exc:
        raise _transport_error(exc, target, policy, deadline) from exc
    # The watchdog ends a body without a length by closing the socket, which
    # looks like a normal end; only the clock tells them apart.
    if deadline.expired:
        raise _too_slow(target, policy)


# --- Acting -------------------------------------------------------------


def download_to(
    url: str, fileobj: BinaryIO, policy: UrlPolicy, *, resolver: Resolver = socket.getaddrinfo
) -> DownloadResult:
    """Stream `url` into `fileobj` (written from its current position).

    At most `policy.max_bytes` are written. On any exception `fileobj`
    holds a partial download that the caller must discard.
    """
    request = dict(method="GET", body=None, headers={}, policy=policy, resolver=resolver)
    with _exchange(url, **request) as (target, response, deadline):
        if not 200 <= response.status < 300:
            raise RemoteFailed(
                f"{target.bare_host} answered {response.status} {response.reason} instead of the file",
                status=response.status,
            )
        declared = response.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise _too_large(policy)
        size = 0
        for chunk in _chunks(response, target, policy, deadline):
            size += len(chunk)
            if size > policy.max_bytes:
                raise _too_large(policy)
            fileobj.write(chunk)
        return DownloadResult(
            final_url=target.url,
            content_type=_media_type(response),
            size=size,
            filename_hint=_filename_hint(response, target),
        )


def post(
    url: str, *, body: bytes, content_type: str, policy: UrlPolicy, resolver: Resolver = socket.getaddrinfo,
    headers: dict | None = None,
) -> PostResult:
    """POST `body` to `url` (a webhook) and return whatever status came back.

    HTTP error statuses are returned, not raised: the caller records them.
    A 307/308 redirect re-sends the POST to the (re-checked) new location.
    A 301/302/303 is returned as it is, not followed: turning the POST into
    a GET, as browsers do, would drop the payload and still look delivered.
    The response body is read up to min(POST_RESPONSE_LIMIT, max_bytes) and
    the rest ignored. `headers` are sent as well (a notification's signature).
    """
    headers = {**(headers or {}), "Content-Type": content_type}
    request = dict(method="POST", body=body, headers=headers, policy=policy, resolver=resolver)
    with _exchange(url, **request) as (target, response, deadline):
        limit = min(POST_RESPONSE_LIMIT, policy.max_bytes)
        received = bytearray()
        for chunk in _chunks(response, target, policy, deadline):
            received += chunk[: limit - len(received)]
            if len(received) >= limit:
                break
        text = _decode(response, received)
        return PostResult(status=response.status, content_type=_media_type(response), text=text)


def _too_large(policy: UrlPolicy) -> RemoteRefused:
    return RemoteRefused(f"the file is larger than the {_human_size(policy.max_bytes)} limit")


def _human_size(size: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _header_message(response: HTTPResponse, name: str) -> email.message.Message:
    # email.message parses parameters (charset=, filename*=) per RFC 2231.
    message = email.message.Message()
    message[name] = response.headers.get(name, "")
    return message


def _media_type(response: HTTPResponse) -> str | None:
    value = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return value or None


def _decode(response: HTTPResponse, data: bytes) -> str:
    charset = _header_message(response, "Content-Type").get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # a charset name Python does not know
        return data.decode("utf-8", errors="replace")


def _filename_hint(response: HTTPResponse, target: _Target) -> str | None:
    name = _header_message(response, "Content-Disposition").get_filename()
    if not name:
        name = unquote(PurePosixPath(urlsplit(target.url).path).name)
    # A bare name only: no directories, no control characters.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip()
    return name[:255] if name not in ("", ".", "..") else None
