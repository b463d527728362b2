"""Render delivery: an export with json.bucket lands in S3, with json.container in Azure.

Renders run on a real worker (tests/exports/conftest.py), with the media
storage itself on the local disk, S3 or Azure. A failed delivery keeps the
rendered output and `retry` delivers it without rendering again; the
export's own credentials are never shown.
"""

from __future__ import annotations

import json
import threading

import pytest
import requests

from exports import delivery
from exports.services import rendering as services
from exports.models import Export
from exports.webhooks import webhook_payload
from media_assets import cloud
from tests.exports.conftest import quiet_broker, wait_for_export, worker  # noqa: F401 - the worker fixtures
from tests.factories import create_clip, create_project, ok, upload_file
from tests.storage.conftest import AZURITE_ACCOUNT, AZURITE_KEY, s3_admin

SMALL = {"width": 160, "height": 90, "fps_num": 30, "fps_den": 1}


@pytest.fixture
def timeline(api, video_path):
    project = create_project(api, **SMALL)
    create_clip(api, project, upload_file(api, project, video_path), position=0.0, start=0.0, end=1.0)
    return project


def export_to(api, project, client_json: dict):
    return api.post("/exports/", {"project": project["url"], "json": json.dumps(client_json),
                                  "video_codec": "libx264", "audio_codec": "aac"})


def downloaded_output(api, export: dict) -> bytes:
    response = api.get(export["url"] + "download/")
    if response.status_code == 302:
        return requests.get(response["Location"], timeout=10).content
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


# --- S3 ---------------------------------------------------------------------------------------


def test_a_render_lands_in_the_s3_bucket_under_its_key(api, worker, storage, timeline, client_bucket, s3_endpoint):
    export = ok(export_to(api, timeline, {"bucket": client_bucket, "url": "renders/x.mp4", "acl": "public-read"}), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    assert done["output"] == f"{s3_endpoint}/{client_bucket}/renders/x.mp4"
    delivered = s3_admin(s3_endpoint).get_object(Bucket=client_bucket, Key="renders/x.mp4")
    assert delivered["ContentType"] == "video/mp4"
    assert delivered["Body"].read() == downloaded_output(api, done), "the render is also kept in Montage's storage"
    grants = s3_admin(s3_endpoint).get_object_acl(Bucket=client_bucket, Key="renders/x.mp4")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/AllUsers") and g["Permission"] == "READ" for g in grants)
    assert done["json"]["delivered_url"] == done["output"] and done["json"]["file_size"] > 0


def test_an_exports_own_s3_keys_are_used_and_never_shown(api, worker, timeline, client_bucket, s3_endpoint, settings):
    settings.MONTAGE_S3_BUCKETS = []  # the server's keys are not offered for this bucket
    secret = "the-clients-secret-access-key"
    response = export_to(api, timeline, {"bucket": client_bucket, "url": "mine.mp4",
                                         "aws_access_key_id": "CLIENTKEYID", "aws_secret_access_key": secret})
    export = ok(response, 201)
    assert secret.encode() not in response.content and b"CLIENTKEYID" not in response.content
    stored = Export.objects.get(pk=export["id"]).json
    assert stored["aws_secret_access_key"] == secret, "kept for the worker until delivered"
    assert secret not in json.dumps(webhook_payload(Export.objects.get(pk=export["id"])))
    listed = api.get("/exports/")
    assert secret.encode() not in listed.content
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    assert "aws_secret_access_key" not in Export.objects.get(pk=export["id"]).json, "dropped once delivered"
    assert s3_admin(s3_endpoint).head_object(Bucket=client_bucket, Key="mine.mp4")["ContentLength"] > 0


def test_a_failed_delivery_keeps_the_render_and_retry_only_delivers(api, worker, storage, timeline, server_s3_keys,
                                                                    settings, monkeypatch):
    s3_endpoint = server_s3_keys
    settings.MONTAGE_S3_BUCKETS = ["*"]
    bucket = f"later-{timeline['id']}-bucket"
    export = ok(export_to(api, timeline, {"bucket": bucket, "url": "late/x.mp4"}), 201)
    failed = wait_for_export(api, export)
    assert failed["status"] == "failed"
    assert failed["json"]["error"] == f"Delivery to S3 failed: The S3 bucket '{bucket}' does not exist."
    row = Export.objects.get(pk=export["id"])
    assert row.output.name and storage.read(row.output.name), "the rendered output is kept"
    kept = storage.read(row.output.name)
    sizes = {backend: ok(api.get(export["url"] + f"storage/?backend={backend}"))["storage"]
             for backend in ("local", "json")}
    assert sizes["json"] == sizes["local"], "the kept render counts the same from its recorded size"

    renders = []
    original = services._render_into
    monkeypatch.setattr(services, "_render_into", lambda *a, **k: renders.append(a) or original(*a, **k))
    s3_admin(s3_endpoint).create_bucket(Bucket=bucket)
    ok(api.post(export["url"] + "retry/"))
    done = wait_for_export(api, export)
    assert done["status"] == "completed" and done["json"]["retries"] == 1 and "error" not in done["json"]
    assert renders == [], "retry delivered the stored render without rendering again"
    assert s3_admin(s3_endpoint).get_object(Bucket=bucket, Key="late/x.mp4")["Body"].read() == kept
    assert done["output"] == f"{s3_endpoint}/{bucket}/late/x.mp4"


def test_a_retry_renders_again_when_the_stored_output_is_gone(api, worker, timeline, server_s3_keys, settings):
    s3_endpoint = server_s3_keys
    settings.MONTAGE_S3_BUCKETS = ["*"]
    bucket = f"gone-{timeline['id']}-bucket"
    export = ok(export_to(api, timeline, {"bucket": bucket, "url": "x.mp4"}), 201)
    assert wait_for_export(api, export)["status"] == "failed"
    from django.core.files.storage import default_storage

    default_storage.delete(Export.objects.get(pk=export["id"]).output.name)
    s3_admin(s3_endpoint).create_bucket(Bucket=bucket)
    ok(api.post(export["url"] + "retry/"))
    assert wait_for_export(api, export)["status"] == "completed"


# --- Azure ------------------------------------------------------------------------------------


def test_a_render_lands_in_the_azure_container(api, worker, storage, timeline, client_container, azurite):
    export = ok(export_to(api, timeline, {"container": client_container, "url": "my/path/FILE.MP4",
                                          "public": "blob"}), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    assert done["output"] == f"{azurite.endpoint}/{client_container}/my/path/FILE.MP4"
    container = azurite.service().get_container_client(client_container)
    assert container.get_container_access_policy()["public_access"] == "blob", "created with json.public"
    blob = container.get_blob_client("my/path/FILE.MP4")
    assert blob.get_blob_properties().content_settings.content_type == "video/mp4"
    assert requests.get(done["output"], timeout=10).content == downloaded_output(api, done), "public: no key needed"


def test_refused_azure_credentials_fail_the_export_and_a_corrected_key_delivers_on_retry(
        api, worker, timeline, client_container, azurite, settings):
    settings.MONTAGE_AZURE_CONTAINERS = []
    wrong = "d3Jvbmcta2V5LXdyb25nLWtleS13cm9uZy1rZXktd3Jvbmcta2V5LXdyb25nLWtleQ=="
    export = ok(export_to(api, timeline, {"container": client_container, "url": "x.mp4",
                                          "account_name": AZURITE_ACCOUNT, "account_key": wrong}), 201)
    failed = wait_for_export(api, export)
    assert failed["status"] == "failed" and failed["json"]["error"].startswith("Delivery to Azure failed: Azure ")
    assert wrong not in json.dumps(failed)
    # The client fixes the key (json read back lacks the key; sending a new one replaces it).
    fixed = {**failed["json"], "account_key": AZURITE_KEY}
    ok(api.patch(export["url"], {"json": fixed}, format="json"))
    ok(api.post(export["url"] + "retry/"))
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    assert azurite.service().get_blob_client(client_container, "x.mp4").exists()


def test_json_read_back_and_patched_keeps_the_hidden_credentials(api, timeline, client_container, settings, azurite):
    settings.MONTAGE_AZURE_CONTAINERS = []
    export = ok(export_to(api, timeline, {"container": client_container, "url": "x.mp4",
                                          "account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY}), 201)
    assert "account_key" not in export["json"]
    ok(api.patch(export["url"], {"json": {**export["json"], "url": "renamed.mp4"}}, format="json"))
    assert Export.objects.get(pk=export["id"]).json["account_key"] == AZURITE_KEY


# --- refused before rendering ------------------------------------------------------------------


@pytest.mark.parametrize("client_json, words", [
    ({"bucket": "{bucket}", "container": "{container}", "url": "x.mp4"}, ["not both"]),
    ({"bucket": "{bucket}"}, ["json.url"]),
    ({"bucket": "{bucket}", "url": "x.mp4", "acl": "world-writable"}, ["acl", "public-read"]),
    ({"bucket": "not-allowed-bucket", "url": "x.mp4"}, ["MONTAGE_S3_BUCKETS"]),
    ({"bucket": "{bucket}", "url": "x.mp4", "aws_secret_access_key": "half"}, ["both"]),
    ({"bucket": "{bucket}", "url": "x.mp4", "region": "../evil"}, ["region"]),
    ({"container": "Bad_Name", "url": "x.mp4"}, ["container name"]),
    ({"container": "{container}", "url": "x.mp4", "public": "everyone"}, ["public"]),
    ({"container": "{container}", "url": "x.mp4", "connection_string": "BlobEndpoint=http://169.254.169.254/"},
     ["connection string"]),
    ({"container": "{container}", "url": "/"}, ["blob"]),
])
def test_an_undeliverable_destination_is_a_400_when_the_export_is_created(api, timeline, client_bucket,
                                                                          client_container, client_json, words):
    data = {key: value.format(bucket=client_bucket, container=client_container) if isinstance(value, str) else value
            for key, value in client_json.items()}
    response = export_to(api, timeline, data)
    assert response.status_code == 400, response.data
    message = " ".join(response.data["json"])
    for word in words:
        assert word.lower() in message.lower(), message
    assert "half" not in message
    assert Export.objects.count() == 0


@pytest.mark.parametrize("storage", ["s3"], indirect=True)
def test_the_media_bucket_is_not_a_delivery_target_with_the_servers_keys(api, storage, timeline, settings):
    settings.MONTAGE_S3_BUCKETS = ["*"]
    response = export_to(api, timeline, {"bucket": storage.bucket, "url": "files/1/clip.mp4"})
    assert response.status_code == 400 and "holds this server's media" in " ".join(response.data["json"])


def test_a_client_cannot_set_the_delivered_url(api, timeline):
    export = ok(export_to(api, timeline, {"delivered_url": "https://evil.example/x.mp4", "file_size": 1}), 201)
    assert "delivered_url" not in export["json"] and "file_size" not in export["json"]


# --- the upload step itself -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["s3", "azure"])
def test_a_cancel_stops_the_upload_and_leaves_no_object(request, kind, tmp_path, settings):
    path = tmp_path / "render.mp4"
    path.write_bytes(b"\0" * (12 * 1024 * 1024))  # a multipart / multi-block upload
    stop = threading.Event()
    stop.set()
    if kind == "s3":
        bucket = request.getfixturevalue("client_bucket")
        endpoint = request.getfixturevalue("s3_endpoint")
        target = delivery.delivery_target({"bucket": bucket, "url": "cancelled.mp4"})
        with pytest.raises(delivery.DeliveryCancelled):
            delivery.deliver(target, path, cancelled=stop)
        assert s3_admin(endpoint).list_objects_v2(Bucket=bucket).get("KeyCount") == 0
        assert not s3_admin(endpoint).list_multipart_uploads(Bucket=bucket).get("Uploads")
    else:
        container = request.getfixturevalue("client_container")
        azurite = request.getfixturevalue("azurite")
        azurite.service().create_container(container)
        target = delivery.delivery_target({"container": container, "url": "cancelled.mp4"})
        with pytest.raises(delivery.DeliveryCancelled):
            delivery.deliver(target, path, cancelled=stop)
        assert not azurite.service().get_blob_client(container, "cancelled.mp4").exists()


def test_storage_error_messages_never_carry_credentials():
    location = cloud.S3Location(bucket="b", access_key_id="AKIAID", secret_access_key="topsecret")
    message = cloud.scrub("failed: https://x/?X-Amz-Signature=abc&X-Amz-Credential=AKIAID/2020 topsecret", location)
    assert "topsecret" not in message and "AKIAID" not in message and "abc" not in message
    assert "topsecret" not in repr(location)


def test_a_short_key_is_hidden_without_blanking_the_words_around_it():
    location = cloud.S3Location(bucket="b", access_key_id="e", secret_access_key="e")
    assert cloud.scrub("Delivery failed for key e at the bucket", location) == \
        "Delivery failed for key [hidden] at the bucket"


def test_azure_error_codes_read_as_azures_own_words():
    from azure.core.exceptions import HttpResponseError
    from azure.storage.blob._shared.models import StorageErrorCode

    error = HttpResponseError(message="denied")
    error.status_code, error.error_code = 403, StorageErrorCode.AUTHORIZATION_FAILURE
    message = cloud.describe_azure_error(error, container="renders", blob="x.mp4")
    assert message == "Azure denied access to blob 'x.mp4' in Azure container 'renders' (AuthorizationFailure)."
