"""Fetching from URLs that clients hand us, without becoming their proxy.

A media import (`json.url`) or a render webhook makes the server open a
connection to an address chosen by someone else. Left alone, that turns
Montage into a way to reach what only the server can reach: the cloud
metadata service at 169.254.169.254, an admin panel on localhost, a
database on the private network (server-side request forgery, SSRF).

Every request in this package therefore goes through one guard:

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
This package imports nothing from Django, so both `media_assets` and
`exports` use it and pass their settings in as a `UrlPolicy`.

The parts: `errors` (what a refusal or a failure says), `policy` (steps
1 and 2: `UrlPolicy` and the decision on a URL and its addresses),
`connection` (step 3 and the watchdog: one request to a checked address),
`transfer` (steps 4 and 5: redirects, streaming, `download_to` and `post`).
"""

from .errors import RemoteError, RemoteFailed, RemoteRefused
from .policy import UrlPolicy, check_url
from .transfer import download_to, post

__all__ = [
    "RemoteError",
    "RemoteFailed",
    "RemoteRefused",
    "UrlPolicy",
    "check_url",
    "download_to",
    "post",
]
