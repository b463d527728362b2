"""Deciding whether a URL may be fetched: `UrlPolicy` and the address checks.

A URL is parsed (plain http or https, no user name or password), its host
resolved once, and every address it resolves to judged: loopback, private,
link-local, shared, multicast, reserved and unspecified addresses are
refused, directly or inside an IPv6 form that carries an IPv4 address,
unless the policy trusts their network. Nothing here connects.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass, field

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from .errors import RemoteFailed, RemoteRefused

_DEFAULT_PORTS = {"http": 80, "https": 443}

Resolver = Callable[..., list]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


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
    # Newer than the registry of the Python this may run on (RFC 9637, RFC 9602).
    (_net("3fff::/20"), "a reserved (documentation) address"),
    (_net("5f00::/16"), "a reserved (segment routing) address"),
    (_net("fc00::/7"), "a unique-local (private) address"),
    (_net("fe80::/10"), "a link-local address"),
    (_net("fec0::/10"), "a site-local (private) address"),
    (_net("ff00::/8"), "a multicast address"),
)
_NAT64 = _net("64:ff9b::/96")
_IPV4_TRANSLATED = _net("::ffff:0:0:0/96")  # SIIT (RFC 2765): ::ffff:0:a.b.c.d


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
    if address in _IPV4_TRANSLATED:
        return [("an IPv4-translated", low32)]
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
