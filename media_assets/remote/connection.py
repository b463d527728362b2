"""One request to an address the policy has judged, under a total time limit.

The connection pools are given the checked IP, never the name (so DNS
cannot answer differently the second time); the name travels in the
`Host` header and, for https, in SNI and the certificate check. A
watchdog shuts down every socket opened under the deadline when time is
up, and transport errors become `RemoteRefused` or `RemoteFailed`.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time

from urllib3 import HTTPConnectionPool, HTTPResponse, HTTPSConnectionPool, Timeout
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from .errors import RemoteError, RemoteFailed, RemoteRefused
from .policy import IP, UrlPolicy, _Target

USER_AGENT = "Montage"


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


def _too_slow(target: _Target, policy: UrlPolicy) -> RemoteRefused:
    return RemoteRefused(f"the transfer from {target.bare_host} took longer than the {policy.timeout:.3g} s limit")
