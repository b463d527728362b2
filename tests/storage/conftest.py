"""Real storage servers on loopback, and the `storage` fixture that runs a test on each backend.

* S3: moto in server mode (ThreadedMotoServer), one per session.
* Azure: Azurite, the Azure Storage emulator, installed from npm by
  scripts/test into .emulators/ (or named by AZURITE_BLOB), one per
  session on a free port, in memory.
* Import URLs: a small HTTP server on 127.0.0.2, the only address the tests
  trust (MONTAGE_TRUSTED_NETWORKS); 127.0.0.1 stays forbidden.

With the CI environment variable set, a missing emulator fails the run;
elsewhere the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
# boto3 looks for credentials at the cloud metadata address when none are set;
# tests never let traffic leave loopback.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's published development key (not a secret).
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
S3_KEY_ID, S3_SECRET = "montage-test-key", "montage-test-secret"
HTTP_HOST = "127.0.0.2"


def emulator_missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the storage emulators are required)", pytrace=False)
    pytest.skip(reason)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, host: str = "127.0.0.1", timeout: float = 30.0, process=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


# --- S3 (moto) ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as error:
        emulator_missing(f"moto[server] is not installed ({error}); install the test extra")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per moto request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_admin(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=S3_KEY_ID, aws_secret_access_key=S3_SECRET,
                        region_name="us-east-1", config=Config(signature_version="s3v4"))


# --- Azure (Azurite) ---------------------------------------------------------------------------


def azurite_command() -> str | None:
    candidates = [os.environ.get("AZURITE_BLOB"), str(ROOT / ".emulators" / "node_modules" / ".bin" / "azurite-blob"),
                  shutil.which("azurite-blob")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@dataclass
class Azurite:
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
                f"BlobEndpoint={self.endpoint};")

    def service(self):
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(self.connection_string)


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    command = azurite_command()
    if command is None:
        emulator_missing("Azurite is not installed: scripts/test installs it into .emulators/ with npm "
                         "(or set AZURITE_BLOB to an azurite-blob executable)")
    if shutil.which("node") is None:
        emulator_missing("Azurite needs Node.js, which is not on PATH")
    port = free_port()
    workspace = tmp_path_factory.mktemp("azurite")
    log = open(workspace / "azurite.log", "w+")
    process = subprocess.Popen(
        [command, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
         "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry"],
        cwd=workspace, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        if not wait_for_port(port, process=process):
            log.seek(0)
            emulator_missing(f"Azurite did not start on port {port}: {log.read()[-500:]}")
        yield Azurite(port=port)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# --- the backend under test ---------------------------------------------------------------------


@dataclass
class StorageUnderTest:
    """The media storage a test runs on, with a way to look inside it."""

    kind: str
    media_root: Path
    s3_endpoint: str | None = None
    bucket: str | None = None
    azurite: Azurite | None = None
    container: str | None = None

    def names(self) -> list[str]:
        """Every object stored in the media storage."""
        if self.kind == "s3":
            listing = s3_admin(self.s3_endpoint).list_objects_v2(Bucket=self.bucket)
            return sorted(entry["Key"] for entry in listing.get("Contents", []))
        if self.kind == "azure":
            return sorted(blob.name for blob in self.azurite.service().get_container_client(self.container).list_blobs())
        if not self.media_root.exists():
            return []
        return sorted(str(path.relative_to(self.media_root)) for path in self.media_root.rglob("*") if path.is_file())

    def read(self, name: str) -> bytes:
        if self.kind == "s3":
            return s3_admin(self.s3_endpoint).get_object(Bucket=self.bucket, Key=name)["Body"].read()
        if self.kind == "azure":
            return self.azurite.service().get_container_client(self.container).download_blob(name).readall()
        return (self.media_root / name).read_bytes()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def use_s3_media(settings, endpoint: str) -> str:
    bucket = unique("montage-media")
    s3_admin(endpoint).create_bucket(Bucket=bucket)
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = S3_KEY_ID, S3_SECRET
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": settings.MEDIA_STORAGE_BACKENDS["s3"]}}
    return bucket


def use_azure_media(settings, azurite: Azurite) -> str:
    container = unique("montage-media")
    azurite.service().create_container(container)
    settings.AZURE_CONNECTION_STRING = azurite.connection_string
    settings.AZURE_CONTAINER = container
    settings.AZURE_ACCOUNT_URL = f"http://127.0.0.1:{azurite.port}/{{account}}"
    settings.MEDIA_STORAGE = "azure"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": settings.MEDIA_STORAGE_BACKENDS["azure"]}}
    return container


@pytest.fixture(params=["local", "s3", "azure"])
def storage(request, settings, tmp_path, isolated_media) -> StorageUnderTest:
    """Runs the test once with media on the local disk, once on S3 (moto), once on Azure (Azurite)."""
    settings.MEDIA_CACHE_DIR = str(tmp_path / "media-cache")
    kind = request.param
    if kind == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        return StorageUnderTest(kind, isolated_media, s3_endpoint=endpoint, bucket=use_s3_media(settings, endpoint))
    if kind == "azure":
        azurite = request.getfixturevalue("azurite")
        return StorageUnderTest(kind, isolated_media, azurite=azurite, container=use_azure_media(settings, azurite))
    return StorageUnderTest(kind, isolated_media)


@pytest.fixture
def server_s3_keys(s3_endpoint, settings) -> str:
    """The server's own S3 settings, pointing at moto (whatever the media storage is)."""
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = S3_KEY_ID, S3_SECRET
    settings.AWS_S3_REGION_NAME = "us-east-1"
    return s3_endpoint


@pytest.fixture
def client_bucket(server_s3_keys, settings):
    """An S3 bucket of the client's (not the media bucket), which the server's credentials may serve."""
    bucket = unique("client")
    s3_admin(server_s3_keys).create_bucket(Bucket=bucket)
    settings.MONTAGE_S3_BUCKETS = [bucket]
    return bucket


@pytest.fixture
def client_container(request, settings):
    """An Azure container name of the client's (created by the test or by a delivery)."""
    azurite = request.getfixturevalue("azurite")
    settings.AZURE_CONNECTION_STRING = azurite.connection_string
    settings.AZURE_ACCOUNT_URL = f"http://127.0.0.1:{azurite.port}/{{account}}"
    container = unique("client")
    settings.MONTAGE_AZURE_CONTAINERS = [container]
    return container


# --- import URLs ------------------------------------------------------------------------------


class ImportHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        try:
            route(self) if route else self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the importer hung up on purpose (too big)

    def reply(self, body: bytes, *, content_type="application/octet-stream", headers=(), length=None):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location.format(port=self.server.server_port))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def endless(self, total: int):
        """A body without Content-Length that goes on past any cap."""
        self.send_response(200)
        self.end_headers()
        sent = 0
        while sent < total:
            self.wfile.write(b"\0" * 65536)
            sent += 65536


@pytest.fixture(scope="session")
def import_server(video_path, image_path):
    video, image = video_path.read_bytes(), image_path.read_bytes()
    server = ThreadingHTTPServer((HTTP_HOST, 0), ImportHandler)
    server.requests = []
    server.routes = {
        "/media/clip.mp4": lambda h: h.reply(video, content_type="video/mp4"),
        "/media/still.png": lambda h: h.reply(image, content_type="image/png"),
        "/download?id=7": lambda h: h.reply(video, headers=[("Content-Disposition", 'attachment; filename="holiday.mp4"')]),
        "/redirect-here": lambda h: h.redirect("/media/clip.mp4"),
        "/redirect-to-loopback": lambda h: h.redirect("http://127.0.0.1:{port}/media/clip.mp4"),
        "/declared-too-big": lambda h: h.reply(video, length=10**12),
        "/endless": lambda h: h.endless(64 * 1024 * 1024),
        "/not-media.mp4": lambda h: h.reply(b"this is not a video " * 500),
        "/empty.mp4": lambda h: h.reply(b""),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def import_url(import_server, settings):
    """`import_url("/media/clip.mp4")` -> a URL on the trusted test server."""
    settings.MONTAGE_TRUSTED_NETWORKS = [f"{HTTP_HOST}/32"]
    return lambda path: f"http://{HTTP_HOST}:{import_server.server_port}{path}"


@pytest.fixture
def temp_dir(settings, tmp_path) -> Path:
    """Where imports and uploads keep their temporary files, to prove they leave none."""
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder
