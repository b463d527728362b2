"""Imports on /files/: json.url (http/https), an S3 object, an Azure blob, a server path.

Each import is probed like an upload, and every refusal is a 400 that says
why and leaves no row, no stored object and no temporary file behind. The
imported bytes land in whichever media storage is in use.
"""

from __future__ import annotations

import json
import os
import socket

import pytest
import urllib3.util.connection

from media_assets.models import File
from tests.factories import create_project, ok
from tests.storage.conftest import AZURITE_ACCOUNT, AZURITE_KEY, s3_admin

pytestmark = pytest.mark.django_db


def import_file(api, project, client_json: dict, *, nested: bool = False, form: bool = False):
    url = f"/projects/{project['id']}/files/" if nested else "/files/"
    if form:  # the OpenShot Python example: a form with json as a string of escaped JSON
        return api.post(url, {"project": project["url"], "json": json.dumps(client_json)})
    return api.post(url, {"media": None, "project": project["url"], "json": json.dumps(client_json)}, format="json")


def assert_refused(response, *words, storage=None, temp_dir=None):
    assert response.status_code == 400, f"{response.status_code}: {response.content[:500]}"
    message = " ".join(response.data["json"])
    for word in words:
        assert word.lower() in message.lower(), message
    assert File.objects.count() == 0
    if storage is not None:
        assert storage.names() == []
    if temp_dir is not None:
        assert list(temp_dir.iterdir()) == []
    return message


# --- http(s) URLs ---------------------------------------------------------------------------


def test_a_url_import_is_stored_and_probed_like_an_upload(api, storage, import_url, video_path, temp_dir):
    project = create_project(api)
    file = ok(import_file(api, project, {"url": import_url("/media/clip.mp4"), "name": "Custom-Filename.mp4"},
                          form=True), 201)
    probe = file["json"]
    assert probe["media_type"] == "video" and (probe["width"], probe["height"]) == (160, 90)
    assert probe["has_audio"] and abs(probe["duration"] - 2.0) < 0.1
    assert probe["name"] == "Custom-Filename.mp4" and probe["path"].endswith("Custom-Filename.mp4")
    assert storage.names() == [probe["path"]] and storage.read(probe["path"]) == video_path.read_bytes()
    assert list(temp_dir.iterdir()) == []
    assert ok(api.get(project["url"]))["files"] == [file["url"]]


def test_nested_import_of_an_image_takes_the_name_from_the_url(api, import_url):
    project = create_project(api)
    file = ok(import_file(api, project, {"url": import_url("/media/still.png")}, nested=True), 201)
    assert file["json"]["media_type"] == "image" and file["json"]["path"] == f"files/{project['id']}/still.png"
    assert file["json"]["url"].endswith("/media/still.png")


def test_the_servers_file_name_is_used_when_json_names_none(api, import_url):
    file = ok(import_file(api, create_project(api), {"url": import_url("/download?id=7")}), 201)
    assert file["json"]["path"].endswith("/holiday.mp4")


@pytest.mark.parametrize(("name", "stored"), [("..", "clip.mp4"), (".", "clip.mp4"), ("my clip (1).mp4", "my_clip_1.mp4")])
def test_a_name_that_cannot_be_a_file_name_is_made_safe(api, import_url, name, stored):
    file = ok(import_file(api, create_project(api), {"url": import_url("/media/clip.mp4"), "name": name}), 201)
    assert file["json"]["path"].endswith("/" + stored)


@pytest.mark.parametrize("client_json", [
    {"url": "/media/clip.mp4", "name": "a\u0000.mp4"},
    {"url": "/media/clip.mp4", "name": "\ud800.mp4"},
    {"url": "\ud800"},
    {"url": "/srv/a\u0000b.mp4"},
], ids=["nul-name", "surrogate-name", "surrogate-path", "nul-path"])
def test_names_and_paths_that_are_not_text_are_refused(api, import_url, client_json, temp_dir):
    if client_json["url"].startswith("/media/"):
        client_json = {**client_json, "url": import_url(client_json["url"])}
    project = create_project(api)
    body = json.dumps({"project": project["url"], "json": client_json})  # \u escapes: a lone surrogate is valid JSON
    response = api.generic("POST", "/files/", body, content_type="application/json")
    assert_refused(response, "text", temp_dir=temp_dir)


def test_a_redirect_to_an_allowed_address_is_followed(api, import_url):
    file = ok(import_file(api, create_project(api), {"url": import_url("/redirect-here")}), 201)
    assert file["json"]["media_type"] == "video"


def test_a_redirect_to_loopback_is_refused(api, storage, import_url, import_server, temp_dir):
    before = list(import_server.requests)
    response = import_file(api, create_project(api), {"url": import_url("/redirect-to-loopback")})
    assert_refused(response, "redirect", "127.0.0.1", "loopback", storage=storage, temp_dir=temp_dir)
    assert import_server.requests[len(before):] == ["/redirect-to-loopback"]


@pytest.mark.parametrize("path", ["/declared-too-big", "/endless"])
def test_more_bytes_than_the_cap_are_refused_and_leave_nothing(api, storage, import_url, settings, temp_dir, path):
    settings.MEDIA_IMPORT_MAX_BYTES = 1_000_000
    response = import_file(api, create_project(api), {"url": import_url(path)})
    assert_refused(response, "larger than", "limit", storage=storage, temp_dir=temp_dir)


def test_bytes_that_are_not_media_are_refused(api, storage, import_url, temp_dir):
    response = import_file(api, create_project(api), {"url": import_url("/not-media.mp4")})
    assert_refused(response, "not usable media", storage=storage, temp_dir=temp_dir)


def test_an_empty_body_is_refused(api, import_url, temp_dir):
    assert_refused(import_file(api, create_project(api), {"url": import_url("/empty.mp4")}), "empty", temp_dir=temp_dir)


def test_an_http_error_is_refused_with_its_status(api, import_url):
    assert_refused(import_file(api, create_project(api), {"url": import_url("/nothing-here")}), "404")


def test_a_slow_transfer_is_cut_at_the_time_limit(api, import_url, settings, temp_dir):
    settings.MEDIA_IMPORT_TIMEOUT = 0.0001
    response = import_file(api, create_project(api), {"url": import_url("/endless")})
    assert_refused(response, "longer than", temp_dir=temp_dir)


@pytest.mark.parametrize("url, words", [
    ("ftp://example.com/clip.mp4", ["only http"]),
    ("file:///etc/passwd", ["only http"]),
    ("gopher://example.com/", ["only http"]),
    ("http://user:secret@example.com/clip.mp4", ["user name or password"]),
    ("http:///clip.mp4", ["no host"]),
])
def test_urls_that_are_not_plain_http_are_refused_before_any_connection(api, url, words, no_traffic):
    assert_refused(import_file(api, create_project(api), {"url": url}), *words)
    assert no_traffic == []


# --- SSRF: proved by the guard's decision, nothing leaves the machine ------------------------


@pytest.fixture
def no_traffic(monkeypatch):
    """Fail if anything connects anywhere; record the attempts (there must be none)."""
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        pytest.fail(f"a connection to {address} was attempted")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def resolve_to(monkeypatch):
    """`resolve_to("10.0.0.5")`: every host name resolves to these addresses (no DNS is asked)."""

    def install(*addresses):
        def getaddrinfo(host, port, *args, **kwargs):
            family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
            return [(family(a), socket.SOCK_STREAM, 6, "", (a, port or 80)) for a in addresses]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return install


@pytest.mark.parametrize("address, words", [
    ("169.254.169.254", ["metadata"]),
    ("127.0.0.1", ["loopback"]),
    ("10.1.2.3", ["private"]),
    ("172.16.5.4", ["private"]),
    ("192.168.1.10", ["private"]),
    ("100.64.0.7", ["shared"]),
    ("0.0.0.0", ["unspecified"]),
    ("224.0.0.251", ["multicast"]),
    ("240.0.0.1", ["reserved"]),
    ("::1", ["loopback"]),
    ("fe80::1", ["link-local"]),
    ("fd12:3456::1", ["unique-local"]),
    ("::ffff:10.0.0.1", ["IPv4-mapped", "private"]),
    ("::ffff:169.254.169.254", ["IPv4-mapped"]),
    ("2002:a00:1::", ["6to4"]),
    ("64:ff9b::a9fe:a9fe", ["NAT64"]),
])
def test_a_host_resolving_to_a_forbidden_address_is_refused(api, resolve_to, no_traffic, address, words, temp_dir,
                                                             isolated_media):
    resolve_to(address)
    response = import_file(api, create_project(api), {"url": "http://media.example.test/clip.mp4"})
    assert_refused(response, "media.example.test", *words, temp_dir=temp_dir)
    assert not isolated_media.exists() or not any(isolated_media.rglob("*.*"))
    assert no_traffic == []


def test_one_forbidden_address_among_public_ones_is_enough_to_refuse(api, resolve_to, no_traffic):
    resolve_to("93.184.216.34", "10.0.0.8")
    assert_refused(import_file(api, create_project(api), {"url": "https://cdn.example.test/a.mp4"}), "10.0.0.8")
    assert no_traffic == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/clip.mp4", "http://[::1]/clip.mp4", "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/clip.mp4", "http://0x7f000001/clip.mp4", "http://[::ffff:127.0.0.1]/clip.mp4",
])
def test_literal_forbidden_addresses_in_any_spelling_are_refused(api, url, no_traffic):
    assert_refused(import_file(api, create_project(api), {"url": url}), "address")
    assert no_traffic == []


def test_the_trusted_test_network_does_not_trust_the_rest_of_loopback(api, import_url, no_traffic):
    assert_refused(import_file(api, create_project(api), {"url": import_url("/x").replace("127.0.0.2", "127.0.0.3")}),
                   "loopback")


# --- S3 and Azure -----------------------------------------------------------------------------


def test_an_s3_object_is_imported_and_probed(api, storage, client_bucket, s3_endpoint, video_path, temp_dir):
    s3_admin(s3_endpoint).upload_file(str(video_path), client_bucket, "my/S3/path/FILE.MP4")
    project = create_project(api)
    file = ok(import_file(api, project, {"url": "my/S3/path/FILE.MP4", "bucket": client_bucket,
                                         "name": "Custom-Filename.mp4"}), 201)
    assert file["json"]["media_type"] == "video" and file["json"]["path"].endswith("Custom-Filename.mp4")
    assert file["json"]["bucket"] == client_bucket
    assert storage.read(file["json"]["path"]) == video_path.read_bytes()
    assert list(temp_dir.iterdir()) == []


def test_an_azure_blob_is_imported_and_probed(api, storage, client_container, azurite, image_path):
    azurite.service().create_container(client_container)
    azurite.service().get_blob_client(client_container, "my/path/FILE.png").upload_blob(image_path.read_bytes())
    file = ok(import_file(api, create_project(api), {"url": "my/path/FILE.png", "container": client_container}), 201)
    assert file["json"]["media_type"] == "image" and file["json"]["path"].endswith("/FILE.png")
    assert storage.read(file["json"]["path"]) == image_path.read_bytes()


def test_an_s3_import_with_the_clients_own_keys_never_echoes_them(api, client_bucket, s3_endpoint, video_path,
                                                                   settings):
    settings.MONTAGE_S3_BUCKETS = []  # the server's keys are not offered: the client brings its own
    s3_admin(s3_endpoint).upload_file(str(video_path), client_bucket, "clip.mp4")
    secret = "very-secret-key-material"
    response = import_file(api, create_project(api), {
        "url": "clip.mp4", "bucket": client_bucket, "aws_access_key_id": "client-key", "aws_secret_access_key": secret,
    })
    file = ok(response, 201)
    assert secret.encode() not in response.content and "client-key" not in json.dumps(file)
    assert "aws_secret_access_key" not in File.objects.get().json


def test_an_azure_import_with_the_clients_account_key(api, client_container, azurite, image_path, settings):
    settings.MONTAGE_AZURE_CONTAINERS, settings.AZURE_CONNECTION_STRING = [], None
    azurite.service().create_container(client_container)
    azurite.service().get_blob_client(client_container, "still.png").upload_blob(image_path.read_bytes())
    response = import_file(api, create_project(api), {
        "url": "still.png", "container": client_container, "account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY,
    })
    ok(response, 201)
    assert AZURITE_KEY.encode() not in response.content


@pytest.mark.parametrize("client_json, words", [
    ({"url": "missing.mp4", "bucket": "{bucket}"}, ["no object", "missing.mp4"]),
    ({"url": "clip.mp4", "bucket": "no-such-bucket-here"}, ["not in MONTAGE_S3_BUCKETS"]),
    ({"bucket": "{bucket}"}, ["json.url"]),
    ({"url": "clip.mp4", "bucket": "x"}, ["bucket name"]),
    ({"url": "clip.mp4", "bucket": "{bucket}", "container": "abc"}, ["not both"]),
    ({"url": "clip.mp4", "bucket": "{bucket}", "aws_access_key_id": "only-half"}, ["both"]),
    ({"url": "../clip.mp4", "bucket": "{bucket}"}, ["'..'"]),
])
def test_bad_s3_imports_are_400s_that_say_why(api, storage, client_bucket, client_json, words, temp_dir):
    data = {key: value.format(bucket=client_bucket) if isinstance(value, str) else value
            for key, value in client_json.items()}
    assert_refused(import_file(api, create_project(api), data), *words, storage=storage, temp_dir=temp_dir)


@pytest.mark.parametrize("storage", ["s3"], indirect=True)
def test_the_media_bucket_is_never_an_import_source_with_the_servers_keys(api, storage, settings, video_path):
    file = ok(api.post("/files/", {"project": create_project(api)["url"], "media": open(video_path, "rb")}), 201)
    settings.MONTAGE_S3_BUCKETS = ["*"]
    response = import_file(api, create_project(api), {"url": file["json"]["path"], "bucket": storage.bucket})
    assert response.status_code == 400 and "holds this server's media" in " ".join(response.data["json"])
    assert File.objects.count() == 1


def test_refused_s3_credentials_are_named_and_not_echoed(api, client_bucket, video_path, s3_endpoint, settings):
    settings.MONTAGE_S3_BUCKETS = []
    # moto accepts any key; a bucket the key cannot see is a plain "no object" answer, never a 500
    response = import_file(api, create_project(api), {
        "url": "clip.mp4", "bucket": client_bucket, "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "s3cr3t",
    })
    assert_refused(response, "no object")
    assert b"s3cr3t" not in response.content


def test_without_azure_credentials_the_server_says_so(api, settings):
    settings.AZURE_CONNECTION_STRING, settings.MONTAGE_AZURE_CONTAINERS = None, ["*"]
    response = import_file(api, create_project(api), {"url": "a.png", "container": "somewhere"})
    assert_refused(response, "no Azure credentials", "account_name")


@pytest.mark.parametrize("client_json, words", [
    ({"url": "missing.png", "container": "{container}"}, ["no blob", "missing.png"]),
    ({"url": "a.png", "container": "Not_Valid"}, ["container name"]),
    ({"url": "a.png", "container": "{container}", "connection_string": "BlobEndpoint=http://10.0.0.1/"},
     ["connection string"]),
    ({"url": "a.png", "container": "{container}", "account_key": "k"}, ["account_name"]),
    ({"url": "a.png", "container": "other-container"}, ["not in MONTAGE_AZURE_CONTAINERS"]),
])
def test_bad_azure_imports_are_400s_that_say_why(api, client_container, azurite, client_json, words, temp_dir):
    azurite.service().create_container(client_container)
    data = {key: value.format(container=client_container) for key, value in client_json.items()}
    assert_refused(import_file(api, create_project(api), data), *words, temp_dir=temp_dir)


def test_a_missing_azure_container_is_named(api, client_container, azurite):
    response = import_file(api, create_project(api), {"url": "a.png", "container": client_container})
    assert_refused(response, "container", "does not exist")


def test_an_azure_blob_over_the_cap_is_refused_before_downloading(api, client_container, azurite, settings,
                                                                  video_path, temp_dir):
    azurite.service().create_container(client_container)
    azurite.service().get_blob_client(client_container, "clip.mp4").upload_blob(video_path.read_bytes())
    settings.MEDIA_IMPORT_MAX_BYTES = 1000
    response = import_file(api, create_project(api), {"url": "clip.mp4", "container": client_container})
    assert_refused(response, "over the limit", temp_dir=temp_dir)


# --- server paths ---------------------------------------------------------------------------


@pytest.fixture
def import_root(tmp_path, settings, video_path):
    root = tmp_path / "import-root"
    (root / "video" / "files" / "36").mkdir(parents=True)
    (root / "video" / "files" / "36" / "LOCAL-FILE.MP4").write_bytes(video_path.read_bytes())
    settings.MEDIA_IMPORT_ROOT = str(root)
    return root


def test_a_path_under_the_import_root_is_imported(api, storage, import_root, video_path):
    file = ok(import_file(api, create_project(api), {"url": "video/files/36/LOCAL-FILE.MP4",
                                                     "name": "Custom-Filename.mp4"}), 201)
    assert file["json"]["media_type"] == "video" and file["json"]["path"].endswith("/Custom-Filename.mp4")
    assert storage.read(file["json"]["path"]) == video_path.read_bytes()
    assert (import_root / "video" / "files" / "36" / "LOCAL-FILE.MP4").exists(), "the source is copied, not moved"


def test_an_absolute_path_inside_the_root_and_a_symlink_within_it_are_fine(api, import_root):
    inside = import_root / "video" / "files" / "36" / "LOCAL-FILE.MP4"
    (import_root / "link.mp4").symlink_to(inside)
    ok(import_file(api, create_project(api), {"url": str(inside)}), 201)
    ok(import_file(api, create_project(api), {"url": "link.mp4"}), 201)


def test_paths_are_refused_when_no_import_root_is_configured(api, settings, video_path):
    settings.MEDIA_IMPORT_ROOT = None
    assert_refused(import_file(api, create_project(api), {"url": str(video_path)}), "MEDIA_IMPORT_ROOT")


@pytest.mark.parametrize("make_path, words", [
    (lambda root, outside: "../outside.mp4", ["outside"]),
    (lambda root, outside: str(outside), ["outside"]),
    (lambda root, outside: "/etc/passwd", ["outside"]),
    (lambda root, outside: "escape.mp4", ["outside"]),  # a symlink inside the root that points out
    (lambda root, outside: "escape-dir/outside.mp4", ["outside"]),  # a symlinked folder that points out
    (lambda root, outside: "video/files/36/NOPE.MP4", ["no file"]),
    (lambda root, outside: "video/files", ["not a regular file"]),
    (lambda root, outside: "fifo.mp4", ["not a regular file"]),
])
def test_paths_that_leave_the_root_or_are_not_files_are_refused(api, storage, import_root, tmp_path, video_path,
                                                                 make_path, words, temp_dir):
    outside = tmp_path / "outside.mp4"
    outside.write_bytes(video_path.read_bytes())
    (import_root / "escape.mp4").symlink_to(outside)
    (import_root / "escape-dir").symlink_to(tmp_path)
    os.mkfifo(import_root / "fifo.mp4")
    response = import_file(api, create_project(api), {"url": make_path(import_root, outside)})
    assert_refused(response, *words, storage=storage, temp_dir=temp_dir)


def test_the_media_folder_is_never_an_import_source(api, settings, video_path, isolated_media):
    file = ok(api.post("/files/", {"project": create_project(api)["url"], "media": open(video_path, "rb")}), 201)
    settings.MEDIA_IMPORT_ROOT = str(isolated_media.parent)
    response = api.post("/files/", {"project": create_project(api)["url"],
                                    "json": json.dumps({"url": f"media/{file['json']['path']}"})})
    assert response.status_code == 400 and "media folder" in " ".join(response.data["json"])


# --- what json must say ---------------------------------------------------------------------


@pytest.mark.parametrize("client_json, field", [
    ({}, "media"),
    ({"name": "only-a-name.mp4"}, "media"),
    ({"url": 42}, "json"),
    ({"url": "   "}, "json"),
    ({"url": "http://x.test/a.mp4", "name": ["list"]}, "json"),
])
def test_a_file_needs_media_or_something_to_import(api, client_json, field):
    response = import_file(api, create_project(api), client_json)
    assert response.status_code == 400 and field in response.data, response.data


def test_an_uploaded_file_wins_over_json_url(api, video_path, no_traffic):
    project = create_project(api)
    with open(video_path, "rb") as handle:
        response = api.post("/files/", {"project": project["url"], "media": handle,
                                        "json": json.dumps({"url": "http://10.0.0.1/ignored.mp4"})})
    assert ok(response, 201)["json"]["url"] == "http://10.0.0.1/ignored.mp4"
    assert no_traffic == []
