"""Fetching from URLs that clients hand us, without becoming their proxy.

A media import (`json.url`) or a render webhook makes the server open a
connection to an address chosen by someone else. Left alone, that turns
Montage into a way to reach what only the server can reach: the cloud
metadata service at 169.254.169.254, an admin panel on localhost, a
database on the private network (server-side request forgery, SSRF).

Every request in this module therefore goes through one guard:

1. The URL must be plain http or https, without user name or password.
2. The host is resolved exactly once, and *every* address it resolves to
   is judged with `ipaddress`: loopback, private, link-local, shared
   (100.64/10), multicast, reserved and unspecified addresses are refused,
   and so are IPv6 forms that carry such an IPv4 address inside them
   (IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64). Networks in
   `UrlPolicy.allowed_networks` are trusted by the operator and pass.
3. The connection goes to the address that was judged, never to the name,
   so DNS cannot answer differently the second time (DNS rebinding). The
   name still travels in the `Host` header and, for https, in SNI and the
   certificate check.
4. Redirects are followed by hand, each one judged from step 1 again.
5. The body is streamed with a size cap counted on the bytes that arrive,
   under connect/read timeouts and one total time limit that a watchdog
   enforces even against a server that sends one byte at a time.

`check_url` is the decision alone; `download_to` and `post` act on it.
HTTP(S)_PROXY variables are deliberately ignored: a proxy would resolve
the name itself and undo step 3.
This module imports nothing from Django, so both `media_assets` and
`exports` use it and pass their settings in as a `UrlPolicy`.
"""

from __future__ import annotations

import contextlib
import email.message
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urljoin, urlsplit

from urllib3 import HTTPConnectionPool, HTTPResponse, HTTPSConnectionPool, Timeout
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import parse_url

CHUNK_SIZE = 64 * 1024
POST_RESPONSE_LIMIT = 64 * 1024
USER_AGENT = "Montage"

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Only these keep method and body; see `post` for why the others stop.
_REPOST_STATUSES = frozenset({307, 308})

Resolver = Callable[..., list]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


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


@dataclass(frozen=True)
class UrlPolicy:
    """What a caller allows for one kind of request.

    `timeout` bounds the whole exchange, redirects and body included;
    `connect_timeout` and `read_timeout` bound a single connect or a single
    silence, and never exceed what is left of `timeout`.
    `allowed_networks` lists CIDRs the operator trusts (an internal media
    server, say); addresses inside them skip the address checks.
    """

    max_bytes: int
    timeout: float = 30.0
    max_redirects: int = 5
    allowed_networks: tuple[str, ...] = ()
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    _networks: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if isinstance(self.allowed_networks, str):
            raise TypeError("allowed_networks must be a tuple of CIDR strings")
        if self.max_bytes <= 0 or self.timeout <= 0 or self.max_redirects < 0:
            raise ValueError("max_bytes and timeout must be positive, max_redirects >= 0")
        networks = tuple(ipaddress.ip_network(cidr, strict=False) for cidr in self.allowed_networks)
        # Frozen dataclass: parse once here so a typo fails at start-up, not per request.
        object.__setattr__(self, "allowed_networks", tuple(self.allowed_networks))
        object.__setattr__(self, "_networks", networks)

    def trusts(self, address: IP) -> bool:
        return any(address in network for network in self._networks)


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


# --- Deciding -----------------------------------------------------------

_net = ipaddress.ip_network
# Order matters only for the wording: the first match names the address.
_REFUSED_NETWORKS = (
    (_net("169.254.169.254/32"), "a link-local address (the cloud metadata service)"),
    (_net("0.0.0.0/8"), "an unspecified address"),
    (_net("10.0.0.0/8"), "a private address"),
    (_net("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
    (_net("127.0.0.0/8"), "a loopback address"),
    (_net("169.254.0.0/16"), "a link-local address"),
    (_net("172.16.0.0/12"), "a private address"),
    (_net("192.0.0.0/24"), "a reserved address"),
    (_net("192.0.2.0/24"), "a reserved (documentation) address"),
    (_net("192.88.99.0/24"), "a reserved (6to4 relay) address"),
    (_net("192.168.0.0/16"), "a private address"),
    (_net("198.18.0.0/15"), "a reserved (benchmarking) address"),
    (_net("198.51.100.0/24"), "a reserved (documentation) address"),
    (_net("203.0.113.0/24"), "a reserved (documentation) address"),
    (_net("224.0.0.0/4"), "a multicast address"),
    (_net("240.0.0.0/4"), "a reserved address"),
    (_net("::/128"), "an unspecified address"),
    (_net("::1/128"), "a loopback address"),
    (_net("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_net("100::/64"), "a reserved (discard) address"),
    (_net("2001:db8::/32"), "a reserved (documentation) address"),
    (_net("fc00::/7"), "a unique-local (private) address"),
    (_net("fe80::/10"), "a link-local address"),
    (_net("fec0::/10"), "a site-local (private) address"),
    (_net("ff00::/8"), "a multicast address"),
)
_NAT64 = _net("64:ff9b::/96")


def _embedded_ipv4(address: IP) -> list[tuple[str, ipaddress.IPv4Address]]:
    """IPv4 addresses an IPv6 address stands for, each with its form's name.

    Connecting to ::ffff:127.0.0.1 reaches 127.0.0.1; a NAT64 gateway turns
    64:ff9b::a00:1 into 10.0.0.1. Such forms are judged by what they carry.
    """
    if address.version != 6:
        return []
    if address.ipv4_mapped:
        return [("an IPv4-mapped", address.ipv4_mapped)]
    if address.sixtofour:
        return [("a 6to4", address.sixtofour)]
    if address.teredo:
        server, client = address.teredo
        return [("a Teredo", server), ("a Teredo", client)]
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _NAT64:
        return [("a NAT64", low32)]
    if int(address) >> 32 == 0 and int(address) > 1:  # ::a.b.c.d, but not :: or ::1
        return [("an IPv4-compatible", low32)]
    return []


def _plain_refusal(address: IP) -> str | None:
    for network, label in _REFUSED_NETWORKS:
        if address in network:
            return label
    # Python's own registry catches what the table above does not name.
    if not address.is_global:
        return "a non-public address"
    return None


def _address_refusal(address: IP, policy: UrlPolicy) -> str | None:
    """Why `address` must not be contacted, or None when it may be."""
    if policy.trusts(address):
        return None
    embedded = _embedded_ipv4(address)
    for form, inner in embedded:
        label = None if policy.trusts(inner) else _plain_refusal(inner)
        if label:
            return f"{form} form of {inner}, {label}"
    if embedded:
        return None
    return _plain_refusal(address)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as in the URL, lower case, IDNA-encoded, IPv6 in brackets
    port: int
    explicit_port: bool
    request_target: str  # path and query, what goes on the request line

    @property
    def bare_host(self) -> str:
        return self.host.strip("[]")

    @property
    def host_header(self) -> str:
        return f"{self.host}:{self.port}" if self.explicit_port else self.host

    @property
    def url(self) -> str:
        port = f":{self.port}" if self.explicit_port else ""
        return f"{self.scheme}://{self.host}{port}{self.request_target}"


def _parse(url: str) -> _Target:
    if any(ch <= " " or ch in "\\\x7f" for ch in url):
        raise RemoteRefused("the URL contains spaces, backslashes or control characters")
    try:
        parts = parse_url(url)
    except LocationParseError:
        raise RemoteRefused("the URL cannot be parsed") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise RemoteRefused("only http:// and https:// URLs can be fetched")
    if parts.auth is not None:
        # `http://trusted.example@evil.example/` reads as one host and is another.
        raise RemoteRefused("URLs with a user name or password are not accepted")
    if not parts.host:
        raise RemoteRefused("the URL has no host")
    if parts.port == 0:
        raise RemoteRefused("port 0 cannot be connected to")
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query is not None else ""
    return _Target(
        scheme=parts.scheme,
        host=parts.host,
        port=parts.port or _DEFAULT_PORTS[parts.scheme],
        explicit_port=parts.port is not None,
        request_target=path + query,
    )


def _resolve(target: _Target, resolver: Resolver) -> list[IP]:
    try:
        infos = resolver(target.bare_host, target.port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise RemoteFailed(f"could not find the host '{target.bare_host}'") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
    if not addresses:
        raise RemoteFailed(f"the host '{target.bare_host}' has no address")
    return addresses


def _check(url: str, policy: UrlPolicy, resolver: Resolver) -> tuple[_Target, list[IP]]:
    target = _parse(url)
    addresses = _resolve(target, resolver)
    for address in addresses:
        label = _address_refusal(address, policy)
        if label:
            where = "" if str(address) == target.bare_host else f" of host '{target.bare_host}'"
            raise RemoteRefused(f"the address {address}{where} is {label}")
    return target, addresses


def check_url(url: str, policy: UrlPolicy, resolver: Resolver = socket.getaddrinfo) -> list[tuple[str, int]]:
    """Decide whether `url` may be fetched, without connecting.

    Returns every `(ip, port)` the host resolves to, all of them acceptable;
    raises RemoteRefused (with the first bad address) or RemoteFailed (the
    name does not resolve). Redirect targets are not known until a fetch.
    """
    target, addresses = _check(url, policy, resolver)
    return [(str(address), target.port) for address in addresses]


# --- Connecting ---------------------------------------------------------


class _Deadline:
    """The total time limit, enforced by shutting down every socket opened
    under it when time is up. Per-operation timeouts alone would let a
    server that drips one byte per read keep a worker forever."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends_at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    @property
    def expired(self) -> bool:
        return self._expired or time.monotonic() >= self._ends_at

    def remaining(self, cap: float) -> float:
        return max(0.001, min(cap, self._ends_at - time.monotonic()))

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor, because TLS wrapping detaches the original
        # socket object; shutdown acts on the connection behind both.
        with self._lock:
            self._sockets.append(sock.dup())
            if self._expired:
                self._shutdown(self._sockets[-1])

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            for sock in self._sockets:
                self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _GuardedConnectionMixin:
    def __init__(self, *args, deadline: _Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def _new_conn(self) -> socket.socket:
        # The pool is only ever given an address we judged; make sure that
        # nothing here can turn into a name lookup.
        ipaddress.ip_address(self.host.strip("[]"))
        sock = super()._new_conn()
        self._deadline.watch(sock)
        return sock


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def _pool_for(target: _Target, address: IP, policy: UrlPolicy, deadline: _Deadline) -> HTTPConnectionPool:
    timeout = Timeout(
        connect=deadline.remaining(policy.connect_timeout),
        read=deadline.remaining(policy.read_timeout),
    )
    common = dict(host=str(address), port=target.port, timeout=timeout, maxsize=1, deadline=deadline)
    if target.scheme == "http":
        return _GuardedHTTPPool(**common)
    # SNI and certificate verification use the name from the URL, not the IP.
    return _GuardedHTTPSPool(**common, cert_reqs="CERT_REQUIRED", server_hostname=target.bare_host)


def _transport_error(error: Exception, target: _Target, policy: UrlPolicy, deadline: _Deadline) -> RemoteError:
    host = target.bare_host
    if deadline.expired:
        return _too_slow(target, policy)
    if isinstance(error, ReadTimeoutError):
        return RemoteRefused(f"{host} sent nothing for {policy.read_timeout:g} s")
    if isinstance(error, ConnectTimeoutError):  # includes refused and unreachable
        cause = getattr(error.__cause__, "strerror", None) or "timed out"
        return RemoteFailed(f"could not connect to {host} port {target.port}: {cause}")
    if isinstance(error, SSLError):
        return RemoteFailed(f"the secure connection to {host} failed: {error.__cause__ or error}")
    if isinstance(error, ProtocolError):
        return RemoteFailed(f"the connection to {host} broke off before the response was complete")
    return RemoteFailed(f"talking to {host} failed: {error}")


def _send(
    target: _Target,
    addresses: list[IP],
    method: str,
    body: bytes | None,
    headers: dict,
    policy: UrlPolicy,
    deadline: _Deadline,
) -> tuple[HTTPConnectionPool, HTTPResponse]:
    """One request, to the first checked address that accepts a connection."""
    headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "identity",  # store bytes exactly as served
        "Connection": "close",
        **headers,
    }
    error: Exception | None = None
    for address in addresses:
        pool = _pool_for(target, address, policy, deadline)
        try:
            response = pool.urlopen(
                method, target.request_target, body=body, headers=headers, retries=False,
                redirect=False, preload_content=False, decode_content=False, assert_same_host=False,
            )  # fmt: skip
            return pool, response
        except (HTTPError, OSError) as exc:
            pool.close()
            error = exc
            if not isinstance(exc, ConnectTimeoutError) or deadline.expired:
                break
    raise _transport_error(error, target, policy, deadline) from error


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
    url: str, *, body: bytes, content_type: str, policy: UrlPolicy, resolver: Resolver = socket.getaddrinfo
) -> PostResult:
    """POST `body` to `url` (a webhook) and return whatever status came back.

    HTTP error statuses are returned, not raised: the caller records them.
    A 307/308 redirect re-sends the POST to the (re-checked) new location.
    A 301/302/303 is returned as it is, not followed: turning the POST into
    a GET, as browsers do, would drop the payload and still look delivered.
    The response body is read up to min(POST_RESPONSE_LIMIT, max_bytes) and
    the rest ignored.
    """
    headers = {"Content-Type": content_type}
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


def _too_slow(target: _Target, policy: UrlPolicy) -> RemoteRefused:
    return RemoteRefused(f"the transfer from {target.bare_host} took longer than the {policy.timeout:g} s limit")


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
