"""Delivery: a finished render uploaded to the client's S3 bucket or Azure container.

The OpenShot keys of an export's `json` name the destination:

* `bucket` + `url` (the object key) [+ `acl`, an S3 canned ACL such as
  "public-read"]: Amazon S3, or the S3-compatible server of AWS_S3_ENDPOINT_URL;
* `container` + `url` (the blob name) [+ `public`: "blob" or "container"]:
  Azure Blob Storage. A missing container is created, with `public` as its
  public access level; an existing container's access level is left alone
  (Azure has no per-blob ACL, and changing a whole container behind its
  owner's back is not ours to do).

Credentials are the server's, or the export's own keys (media_assets.cloud),
which are kept only until the delivery succeeds and never shown: responses
and webhooks see `public_json`. The destination is checked when the export
is created (`delivery_target`), so a bad bucket name is a 400 then, not a
failure after the render.

`output` then names the delivered object's URL (`json.delivered_url`); the
render also stays in Montage's storage (`download` keeps working). A failed
upload raises DeliveryFailed with the storage's answer in plain words; the
export fails with it and `retry` re-delivers the stored render.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from media_assets import cloud

log = logging.getLogger("montage.render")

S3_CANNED_ACLS = ("private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read",
                  "bucket-owner-read", "bucket-owner-full-control")
AZURE_PUBLIC_ACCESS = {"blob": "blob", "container": "container", "true": "blob", "false": None, "none": None,
                       "private": None, "off": None, "": None}


class DeliveryInvalid(ValueError):
    """The export's json names a destination that cannot work; the message says why."""


class DeliveryFailed(Exception):
    """The upload failed; the message is for the client (json.error)."""


class DeliveryCancelled(Exception):
    """The export was cancelled while its output was being delivered."""


@dataclass(frozen=True)
class S3Target:
    location: cloud.S3Location
    key: str
    acl: str | None

    def describe(self) -> str:
        return f"S3 bucket '{self.location.bucket}'"


@dataclass(frozen=True)
class AzureTarget:
    location: cloud.AzureLocation
    blob: str
    public: str | None

    def describe(self) -> str:
        return f"Azure container '{self.location.container}'"


def _given(data: dict, key: str) -> bool:
    return data.get(key) not in (None, "")


def delivery_target(data: dict) -> S3Target | AzureTarget | None:
    """Where the export's json says to deliver, or None; DeliveryInvalid when that cannot work."""
    data = data or {}
    if not _given(data, "bucket") and not _given(data, "container"):
        return None
    if _given(data, "bucket") and _given(data, "container"):
        raise DeliveryInvalid("Give json.bucket (S3) or json.container (Azure), not both.")
    try:
        if _given(data, "bucket"):
            acl = data.get("acl")
            if acl in (None, ""):
                acl = None
            elif not isinstance(acl, str) or acl.strip().lower() not in S3_CANNED_ACLS:
                raise DeliveryInvalid(f"json.acl must be one of {', '.join(S3_CANNED_ACLS)}.")
            return S3Target(location=cloud.s3_location(data), key=cloud.object_key(data.get("url"), what="object key"),
                            acl=acl.strip().lower() if acl else None)
        public = data.get("public")
        public_key = str(public).strip().lower() if public is not None else ""
        if isinstance(public, bool):
            public_key = "true" if public else "false"
        if public_key not in AZURE_PUBLIC_ACCESS:
            raise DeliveryInvalid('json.public must be "blob", "container" or false.')
        return AzureTarget(location=cloud.azure_location(data), blob=cloud.object_key(data.get("url"), what="blob"),
                           public=AZURE_PUBLIC_ACCESS[public_key])
    except cloud.CloudError as error:
        raise DeliveryInvalid(str(error)) from None


def delivery_problems(data: dict) -> list[str]:
    try:
        delivery_target(data)
    except DeliveryInvalid as error:
        return [str(error)]
    return []


def public_json(data: dict) -> dict:
    """An export's json as clients and webhooks see it: credentials never."""
    return cloud.without_secrets(data)


def json_after_delivery(data: dict, url: str) -> dict:
    """Delivered: the object's URL recorded, the export's own credentials no longer kept."""
    return {**cloud.without_secrets(data), "delivered_url": url}


def deliver(target: S3Target | AzureTarget, path: Path, *, cancelled: threading.Event | None = None) -> str:
    """Upload the file at `path` to `target`; the delivered object's URL."""
    upload, name = (_deliver_s3, target.key) if isinstance(target, S3Target) else (_deliver_azure, target.blob)
    content_type = mimetypes.guess_type(name)[0] or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        return upload(target, path, content_type, cancelled)
    except (DeliveryCancelled, DeliveryFailed):
        raise
    except Exception as error:  # a worker must record every failure, or the sweeper re-renders forever
        log.error("delivery to %s failed unexpectedly: %s", target.describe(), cloud.scrub(repr(error), target.location))
        raise DeliveryFailed(cloud.scrub(f"Delivery to {target.describe()} failed: {error}", target.location)) from None


def _cancel_check(cancelled: threading.Event | None):
    def check(*_progress) -> None:
        if cancelled is not None and cancelled.is_set():
            raise DeliveryCancelled()

    return check


def _deliver_s3(target: S3Target, path: Path, content_type: str, cancelled) -> str:
    from botocore.exceptions import BotoCoreError, ClientError
    from boto3.exceptions import Boto3Error

    bucket = target.location.bucket
    extra = {"ContentType": content_type}
    if target.acl:
        extra["ACL"] = target.acl
    client = cloud.s3_client(target.location)
    try:
        client.upload_file(str(path), bucket, target.key, ExtraArgs=extra, Config=settings.AWS_S3_TRANSFER_CONFIG,
                           Callback=_cancel_check(cancelled))
    except (BotoCoreError, ClientError, Boto3Error) as error:
        reason = cloud.describe_s3_error(error, bucket=bucket, key=target.key)
        raise DeliveryFailed(cloud.scrub(f"Delivery to S3 failed: {reason}", target.location)) from None
    return cloud.s3_object_url(client, bucket, target.key)


def _deliver_azure(target: AzureTarget, path: Path, content_type: str, cancelled) -> str:
    from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
    from azure.storage.blob import ContentSettings

    container_name = target.location.container
    try:
        container = cloud.azure_container_client(target.location)
        blob = container.get_blob_client(target.blob)
        size = path.stat().st_size

        def upload() -> None:
            with open(path, "rb") as handle:
                blob.upload_blob(handle, length=size, overwrite=True, max_concurrency=2,
                                 content_settings=ContentSettings(content_type=content_type),
                                 progress_hook=_cancel_check(cancelled), timeout=settings.AZURE_CONNECTION_TIMEOUT_SECS)

        try:
            upload()
        except ResourceNotFoundError as error:
            if getattr(error, "error_code", None) != "ContainerNotFound":
                raise
            try:
                container.create_container(public_access=target.public)
                log.info("created Azure container %s (public access: %s)", container_name, target.public or "none")
            except ResourceExistsError:
                pass  # another delivery made it meanwhile
            upload()
    except cloud.CloudError as error:
        raise DeliveryFailed(f"Delivery to Azure failed: {error}") from None
    except AzureError as error:
        reason = cloud.describe_azure_error(error, container=container_name, blob=target.blob)
        raise DeliveryFailed(cloud.scrub(f"Delivery to Azure failed: {reason}", target.location)) from None
    return cloud.azure_blob_url(blob)
