"""The URL guard: what it refuses, and that refusing means never connecting.

Real traffic goes only to a test server on 127.0.0.2, which the policy
trusts explicitly; 127.0.0.1 stays forbidden, so a redirect there must be
refused. Every other address is proved refused by the decision alone: an
injected resolver hands out the address, and `only_the_test_server` fails
the test if any connection or DNS lookup is attempted beyond 127.0.0.2.
"""

import io
import ipaddress
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import urllib3.util.connection

from media_assets.remote import (
    RemoteFailed,
    RemoteRefused,
    UrlPolicy,
    check_url,
    download_to,
    post,
)

SERVER_HOST = "127.0.0.2"
CAP = 400_000
FILE_BYTES = bytes(range(256)) * 1200  # 307,200 bytes: several chunks, under CAP


def resolver_for(*addresses, calls=None):
    """A getaddrinfo stand-in answering with `addresses`, whatever the name."""

    def resolve(host, port, **kwargs):
        if calls is not None:
            calls.append(host)
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return resolve


def no_resolver(host, port, **kwargs):
    pytest.fail(f"the URL should be refused before resolving {host!r}")


def policy(**overrides):
    return UrlPolicy(**{"max_bytes": CAP, "allowed_networks": (f"{SERVER_HOST}/32",), **overrides})


@pytest.fixture(autouse=True)
def only_the_test_server(monkeypatch):
    """Fail on any connection other than to the test server, and on any DNS
    lookup of a name (only IP literals may reach getaddrinfo)."""
    attempts = []

    def guarded(real_create_connection):
        def create_connection(address, *args, **kwargs):
            attempts.append(address[0])
            if address[0] != SERVER_HOST:
                pytest.fail(f"a connection to {address} was attempted")
            return real_create_connection(address, *args, **kwargs)

        return create_connection

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pytest.fail(f"a DNS lookup of {host!r} was attempted")
        return real_getaddrinfo(host, *args, **kwargs)

    urllib3_connection = urllib3.util.connection
    monkeypatch.setattr(urllib3_connection, "create_connection", guarded(urllib3_connection.create_connection))
    monkeypatch.setattr(socket, "create_connection", guarded(socket.create_connection))
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


# --- The test server ------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        self.server.requests.append((self.command, self.path))
        route = ROUTES.get(self.path)
        try:
            route(self) if route else self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose

    def reply(self, status=200, body=b"", content_type="application/octet-stream", headers=(), length=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location, status=302):
        self.reply(status, headers=[("Location", location.format(port=self.server.server_port))])

    def stream(self, total, delay=0.0):
        """A body without Content-Length: it ends when the connection closes."""
        self.send_response(200)
        self.end_headers()
        sent = 0
        while sent < total and not self.server.stopping.is_set():
            self.wfile.write(b"x" * min(16_384, total - sent))
            self.wfile.flush()
            sent += 16_384
            self.server.stopping.wait(delay)

    def chunked(self, total):
        self.protocol_version = "HTTP/1.1"
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _ in range(total // 16_384 + 1):
            self.wfile.write(b"4000\r\n" + b"x" * 16_384 + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def echo(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        seen = {"method": self.command, "content_type": self.headers["Content-Type"], "body": body.decode()}
        self.reply(body=json.dumps(seen).encode(), content_type="application/json")


ROUTES = {
    "/file": lambda h: h.reply(
        body=FILE_BYTES, content_type="video/mp4", headers=[("Content-Disposition", 'attachment; filename="clip.mp4"')]
    ),
    "/media/holiday%20clip.mov": lambda h: h.reply(body=b"mov", content_type="video/quicktime; charset=binary"),
    "/host": lambda h: h.reply(body=h.headers["Host"].encode()),
    "/missing": lambda h: h.send_error(404),
    "/redirect-allowed": lambda h: h.redirect("http://127.0.0.2:{port}/file"),
    "/redirect-relative": lambda h: h.redirect("/file", status=301),
    "/redirect-loopback": lambda h: h.redirect("http://127.0.0.1:{port}/file"),
    "/redirect-named": lambda h: h.redirect("http://rebound.test:{port}/file"),
    "/redirect-file-scheme": lambda h: h.redirect("file:///etc/passwd"),
    "/loop": lambda h: h.redirect("/loop"),
    "/declared-too-big": lambda h: h.reply(body=b"x" * 1000, length=CAP + 1),
    "/undeclared-too-big": lambda h: h.stream(CAP * 4),
    "/chunked-too-big": lambda h: h.chunked(CAP * 4),
    "/understated-length": lambda h: h.reply(body=b"0123456789" * 1000, length=10),
    "/overstated-length": lambda h: h.reply(body=b"0123456789", length=1000),
    "/drip": lambda h: h.stream(10_000_000, delay=0.05),
    "/stall": lambda h: h.server.stopping.wait(10),
    "/echo": Handler.echo,
    "/post-307": lambda h: h.redirect("/echo", status=307),
    "/post-308": lambda h: h.redirect("/echo", status=308),
    "/post-303": lambda h: h.redirect("/echo", status=303),
    "/post-307-loopback": lambda h: h.redirect("http://127.0.0.1:{port}/echo", status=307),
    "/big-reply": lambda h: h.reply(body=b"a" * 200_000, content_type="text/plain; charset=utf-8"),
    "/fail": lambda h: h.reply(500, body=b"receiver broke", content_type="text/plain"),
}


def start_server(wrap=None):
    server = ThreadingHTTPServer((SERVER_HOST, 0), Handler)
    if wrap:
        server.socket = wrap(server.socket)
    server.requests, server.stopping = [], threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_server(server):
    server.stopping.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def running_server():
    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture
def server(running_server):
    running_server.requests.clear()
    return running_server


def url(server, path, host=SERVER_HOST, scheme="http"):
    return f"{scheme}://{host}:{server.server_port}{path}"


# --- Decisions, without connecting -----------------------------------------

REFUSED_ADDRESSES = [
    (["10.0.0.1"], "10.0.0.1 of host 'files.test' is a private address"),
    (["172.16.5.4"], "private"),
    (["192.168.1.10"], "private"),
    (["127.0.0.1"], "loopback"),
    (["169.254.169.254"], "the cloud metadata service"),
    (["169.254.10.1"], "link-local"),
    (["100.64.0.1"], "shared (carrier-grade NAT)"),
    (["0.0.0.0"], "unspecified"),
    (["224.0.0.1"], "multicast"),
    (["255.255.255.255"], "reserved"),
    (["::1"], "loopback"),
    (["::"], "unspecified"),
    (["fe80::1"], "link-local"),
    (["fd12:3456::1"], "unique-local"),
    (["fd00:ec2::254"], "unique-local"),  # AWS metadata over IPv6
    (["fec0::1"], "site-local"),
    (["ff02::1"], "multicast"),
    (["::ffff:127.0.0.1"], "IPv4-mapped form of 127.0.0.1, a loopback address"),
    (["::ffff:169.254.169.254"], "IPv4-mapped form of 169.254.169.254"),
    (["::7f00:1"], "IPv4-compatible form of 127.0.0.1"),
    (["2002:a9fe:a9fe::"], "6to4 form of 169.254.169.254"),
    (["64:ff9b::a00:1"], "NAT64 form of 10.0.0.1, a private address"),
    (["64:ff9b::7f00:1"], "NAT64 form of 127.0.0.1"),
    (["64:ff9b:1::1"], "local-use NAT64"),
    (["::ffff:0:7f00:1"], "IPv4-translated form of 127.0.0.1, a loopback address"),
    (["::ffff:0:a9fe:a9fe"], "IPv4-translated form of 169.254.169.254"),
    (["3fff::1"], "documentation"),
    (["5f00::1"], "segment routing"),
    (["93.184.216.34", "10.0.0.1"], "10.0.0.1 of host 'files.test' is a private address"),
    (["2001:4860:4860::8888", "::1"], "loopback"),
]


@pytest.mark.parametrize(("addresses", "reason"), REFUSED_ADDRESSES, ids=[",".join(a) for a, _ in REFUSED_ADDRESSES])
def test_refused_addresses_are_never_contacted(addresses, reason, only_the_test_server):
    resolve = resolver_for(*addresses)
    for attempt in (
        lambda: check_url("http://files.test/a.mp4", policy(), resolver=resolve),
        lambda: download_to("http://files.test/a.mp4", io.BytesIO(), policy(), resolver=resolve),
        lambda: post(
            "https://files.test/hook", body=b"{}", content_type="application/json", policy=policy(), resolver=resolve
        ),
    ):
        with pytest.raises(RemoteRefused) as refused:
            attempt()
        assert reason in refused.value.reason
    assert only_the_test_server == []


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "2001:4860:4860::8888", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"]
)
def test_public_addresses_are_accepted_with_the_url_port(address):
    assert check_url("https://cdn.test:8443/a", policy(), resolver=resolver_for(address)) == [
        (str(ipaddress.ip_address(address)), 8443)
    ]


def test_allowed_networks_let_the_operator_trust_an_internal_server():
    trusting = UrlPolicy(max_bytes=CAP, allowed_networks=("10.0.0.0/8",))
    assert check_url("http://media.internal/a", trusting, resolver=resolver_for("10.1.2.3")) == [("10.1.2.3", 80)]
    with pytest.raises(RemoteRefused, match="private"):
        check_url("http://media.internal/a", trusting, resolver=resolver_for("192.168.0.1"))


@pytest.mark.parametrize(
    ("bad_url", "reason"),
    [
        ("file:///etc/passwd", "only http:// and https://"),
        ("ftp://127.0.0.2/a.mp4", "only http:// and https://"),
        ("gopher://127.0.0.2:70/_x", "only http:// and https://"),
        ("javascript:alert(1)", "only http:// and https://"),
        ("127.0.0.2/a.mp4", "only http:// and https://"),
        ("http://user:secret@127.0.0.2/a.mp4", "user name or password"),
        ("http://trusted.test@127.0.0.2/a.mp4", "user name or password"),
        ("http://127.0.0.2\\@evil.test/", "backslashes"),
        ("http://127.0.0.2/a b.mp4", "spaces"),
        ("http://127.0.0.2/a\r\nX-Injected: 1", "control characters"),
        ("http://127.0.0.2:0/", "port 0"),
        ("http:///a.mp4", "no host"),
    ],
)
def test_urls_that_are_not_plain_http_are_refused(bad_url, reason):
    with pytest.raises(RemoteRefused, match=reason):
        check_url(bad_url, policy(), resolver=no_resolver)


def test_unknown_host_fails_plainly():
    def unknown(host, port, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(RemoteFailed, match="could not find the host 'nowhere.test'"):
        check_url("http://nowhere.test/", policy(), resolver=unknown)


def test_policy_rejects_malformed_networks():
    with pytest.raises(ValueError):
        UrlPolicy(max_bytes=1, allowed_networks=("10.0.0.0/33",))
    with pytest.raises(TypeError):
        UrlPolicy(max_bytes=1, allowed_networks="10.0.0.0/8")


# --- Downloads from the test server ------------------------------------------


def test_file_is_streamed_into_the_file_object(server):
    sink = io.BytesIO()
    result = download_to(url(server, "/file"), sink, policy())
    assert sink.getvalue() == FILE_BYTES
    assert (result.size, result.content_type, result.filename_hint) == (len(FILE_BYTES), "video/mp4", "clip.mp4")
    assert result.final_url == url(server, "/file")


def test_filename_hint_falls_back_to_the_url_path(server):
    result = download_to(url(server, "/media/holiday%20clip.mov"), io.BytesIO(), policy())
    assert (result.filename_hint, result.content_type) == ("holiday clip.mov", "video/quicktime")


def test_name_is_resolved_once_and_the_checked_address_is_dialled(server, only_the_test_server):
    calls = []
    rebinding = iter([["127.0.0.2"], ["10.0.0.1"], ["10.0.0.1"]])

    def resolve(host, port, **kwargs):
        return resolver_for(*next(rebinding), calls=calls)(host, port)

    sink = io.BytesIO()
    download_to(url(server, "/host", host="media.test"), sink, policy(), resolver=resolve)
    assert sink.getvalue() == f"media.test:{server.server_port}".encode()  # the name still goes in Host
    assert calls == ["media.test"]
    assert only_the_test_server == [SERVER_HOST]


@pytest.mark.parametrize("path", ["/redirect-allowed", "/redirect-relative"])
def test_redirect_within_the_policy_is_followed(server, path):
    sink = io.BytesIO()
    result = download_to(url(server, path), sink, policy())
    assert sink.getvalue() == FILE_BYTES
    assert result.final_url == url(server, "/file")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/redirect-loopback", "redirect to http://127.0.0.1:{port}/file refused: the address 127.0.0.1 is a loopback"),
        ("/redirect-named", "redirect to http://rebound.test:{port}/file refused: the address 169.254.169.254"),
        ("/redirect-file-scheme", "redirect to file:///etc/passwd refused: only http:// and https://"),
        ("/loop", "gave up after 5 redirects"),
    ],
)
def test_each_redirect_is_judged_again(server, path, reason):
    # rebound.test is the metadata address; the first hop is a literal IP.
    resolve = lambda host, port, **kw: resolver_for("169.254.169.254" if host == "rebound.test" else host)(host, port)
    with pytest.raises(RemoteRefused) as refused:
        download_to(url(server, path), io.BytesIO(), policy(), resolver=resolve)
    assert reason.format(port=server.server_port) in refused.value.reason
    assert ("GET", "/file") not in server.requests


def test_too_large_content_length_is_refused_before_reading(server):
    sink = io.BytesIO()
    with pytest.raises(RemoteRefused, match="the file is larger than the 390.6 KB limit"):
        download_to(url(server, "/declared-too-big"), sink, policy())
    assert sink.getvalue() == b""


@pytest.mark.parametrize("path", ["/undeclared-too-big", "/chunked-too-big"])
def test_size_is_counted_while_streaming(server, path):
    sink = io.BytesIO()
    with pytest.raises(RemoteRefused, match="larger than"):
        download_to(url(server, path), sink, policy())
    assert 0 < len(sink.getvalue()) <= CAP


def test_understated_content_length_yields_only_the_declared_bytes(server):
    sink = io.BytesIO()
    assert download_to(url(server, "/understated-length"), sink, policy()).size == 10
    assert sink.getvalue() == b"0123456789"


def test_overstated_content_length_is_a_failed_download(server):
    with pytest.raises(RemoteFailed, match="broke off"):
        download_to(url(server, "/overstated-length"), io.BytesIO(), policy())


def test_total_time_limit_stops_a_server_that_drips(server):
    started = time.monotonic()
    with pytest.raises(RemoteRefused, match="took longer than the 0.5 s limit"):
        download_to(url(server, "/drip"), io.BytesIO(), policy(timeout=0.5))
    assert time.monotonic() - started < 3


def test_read_timeout_stops_a_silent_server(server):
    started = time.monotonic()
    with pytest.raises(RemoteRefused, match="sent nothing for 0.3 s"):
        download_to(url(server, "/stall"), io.BytesIO(), policy(read_timeout=0.3))
    assert time.monotonic() - started < 3


def test_http_error_status_is_a_failure_with_the_status(server):
    with pytest.raises(RemoteFailed, match="answered 404") as failed:
        download_to(url(server, "/missing"), io.BytesIO(), policy())
    assert failed.value.status == 404


def test_closed_port_is_a_failure(server):
    with socket.socket() as spare:
        spare.bind((SERVER_HOST, 0))
        closed_port = spare.getsockname()[1]
    with pytest.raises(RemoteFailed, match="could not connect"):
        download_to(f"http://{SERVER_HOST}:{closed_port}/", io.BytesIO(), policy())


# --- Webhooks ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"event": "export.done", "id": 7}', "application/json"),
        (b"event=export.done&id=7", "application/x-www-form-urlencoded"),
    ],
)
def test_post_delivers_the_body_as_given(server, body, content_type):
    result = post(url(server, "/echo"), body=body, content_type=content_type, policy=policy())
    assert (result.status, result.content_type) == (200, "application/json")
    assert json.loads(result.text) == {"method": "POST", "content_type": content_type, "body": body.decode()}


@pytest.mark.parametrize("path", ["/post-307", "/post-308"])
def test_post_follows_307_and_308_with_the_same_body(server, path):
    result = post(url(server, path), body=b"{}", content_type="application/json", policy=policy())
    assert json.loads(result.text)["body"] == "{}"
    assert server.requests == [("POST", path), ("POST", "/echo")]


def test_post_returns_a_303_instead_of_turning_into_a_get(server):
    result = post(url(server, "/post-303"), body=b"{}", content_type="application/json", policy=policy())
    assert result.status == 303
    assert server.requests == [("POST", "/post-303")]


def test_post_redirect_to_loopback_is_refused(server):
    with pytest.raises(RemoteRefused, match="redirect to http://127.0.0.1:.* refused: .* loopback"):
        post(url(server, "/post-307-loopback"), body=b"{}", content_type="application/json", policy=policy())


def test_post_returns_error_statuses_and_caps_the_reply(server):
    failed = post(url(server, "/fail"), body=b"{}", content_type="application/json", policy=policy())
    assert (failed.status, failed.text) == (500, "receiver broke")
    big = post(url(server, "/big-reply"), body=b"{}", content_type="application/json", policy=policy())
    assert big.text == "a" * 64 * 1024


# --- TLS: connecting to the IP still verifies the name ----------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    ca_file, cert_file, key_file = make_certificates(tmp_path_factory.mktemp("tls"), "media.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = start_server(wrap=lambda sock: context.wrap_socket(sock, server_side=True))
    yield server, ca_file
    stop_server(server)


def test_https_verifies_the_certificate_against_the_url_name(tls_server, monkeypatch):
    server, ca_file = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    sink = io.BytesIO()
    to_the_server = resolver_for(SERVER_HOST)
    download_to(url(server, "/host", host="media.test", scheme="https"), sink, policy(), resolver=to_the_server)
    assert sink.getvalue() == f"media.test:{server.server_port}".encode()
    wrong_name = url(server, "/host", host="other.test", scheme="https")
    with pytest.raises(RemoteFailed, match="secure connection to other.test failed"):
        download_to(wrong_name, io.BytesIO(), policy(), resolver=to_the_server)


def make_certificates(directory, hostname):
    """A throwaway CA and a certificate for `hostname` signed by it."""
    x509 = pytest.importorskip("cryptography.x509")
    import datetime

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def certificate(subject, key, issuer, issuer_key, extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
    ca_extensions = [(x509.BasicConstraints(ca=True, path_length=None), True), (ca_usage, True)]
    ca = certificate("Montage test CA", ca_key, "Montage test CA", ca_key, ca_extensions)
    leaf_extensions = [
        (x509.SubjectAlternativeName([x509.DNSName(hostname)]), False),
        (x509.BasicConstraints(ca=False, path_length=None), True),
    ]
    leaf = certificate(hostname, leaf_key, "Montage test CA", ca_key, leaf_extensions)
    pem = serialization.Encoding.PEM
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(leaf.public_bytes(pem))
    paths[2].write_bytes(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths
