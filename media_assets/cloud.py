"""Talking to a client's S3 bucket or Azure container (imports and render delivery).

Imports (`json.bucket` / `json.container` on /files/) and deliveries (the
same keys on /exports/) name a bucket or container that is not the media
storage. This module makes the client for it and says what went wrong in
plain words.

Credentials: the request's own (`aws_access_key_id` + `aws_secret_access_key`
[+ `aws_session_token`], or `account_name` + `account_key` / `sas_token`),
else the server's (AWS_* settings or boto3's usual chain;
AZURE_CONNECTION_STRING). The server's credentials may serve only the
buckets and containers the operator lists in MONTAGE_S3_BUCKETS /
MONTAGE_AZURE_CONTAINERS ("*" for any), and never the media bucket or
container: that holds every user's files. The endpoint is always the
operator's (AWS_S3_ENDPOINT_URL, AZURE_ACCOUNT_URL): a client cannot point
the server at an address of its choosing.

Secrets are never echoed: `without_secrets` strips them from what is
stored or shown, and no message here contains them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

S3_SECRET_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
AZURE_SECRET_KEYS = ("account_key", "sas_token", "connection_string")
SECRET_KEYS = S3_SECRET_KEYS + AZURE_SECRET_KEYS

# S3 allows upper case and underscores in old (us-east-1) bucket names, as in OpenShot's "MyS3Bucket".
_S3_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$")
_AZURE_CONTAINER = re.compile(r"^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9]))*$")
_AZURE_ACCOUNT = re.compile(r"^[a-z0-9]{3,24}$")
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z0-9]+){1,4}$")
MAX_KEY_BYTES = 1024


class CloudError(Exception):
    """A sentence for the client: what is wrong with the bucket, container, key or credentials."""


def without_secrets(data: dict) -> dict:
    return {key: value for key, value in (data or {}).items() if key not in SECRET_KEYS}


def has_secrets(data: dict) -> bool:
    return any(key in (data or {}) for key in SECRET_KEYS)


_SIGNATURE = re.compile(r"((?:sig|AccountKey|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&;\s'\"]+",
                        re.IGNORECASE)


def scrub(message: str, location=None) -> str:
    """`message` with any credential of `location`, and any signature in a URL, blanked out."""
    for secret in (getattr(location, name, None) for name in
                   ("access_key_id", "secret_access_key", "session_token", "account_key", "sas_token")):
        if secret:
            # Whole tokens only: a short key must not blank the letters of every word it appears in.
            message = re.sub(rf"(?<![\w+/=-]){re.escape(secret)}(?![\w+/=-])", "[hidden]", message)
    return _SIGNATURE.sub(r"\1[hidden]", message)


def object_key(value, *, what: str) -> str:
    """A bucket key / blob name from json.url: no leading slash, no control characters."""
    if not isinstance(value, str) or not value.strip():
        raise CloudError(f"json.url must name the {what} (a path such as 'my/path/FILE.MP4').")
    key = value.strip().lstrip("/")
    if any(ch < " " or ch == "\x7f" for ch in key) or "\\" in key:
        raise CloudError(f"The {what} name in json.url contains control characters or backslashes.")
    if not key or len(key.encode()) > MAX_KEY_BYTES or key.endswith("/"):
        raise CloudError(f"The {what} name in json.url must be 1 to {MAX_KEY_BYTES} bytes and not end with '/'.")
    if any(part in (".", "..") for part in key.split("/")):
        raise CloudError(f"The {what} name in json.url may not contain '.' or '..' segments.")
    return key


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CloudError(f"json.{key} must be a string.")
    return value.strip()


def _server_may_use(name: str, *, allowed: list[str], media: str | None, kind: str, keys: str) -> None:
    if media and name == media:
        raise CloudError(
            f"The {kind} '{name}' holds this server's media; it cannot be used with the server's credentials. "
            f"Give {keys} in json for a {kind} of your own."
        )
    if "*" not in allowed and name not in allowed:
        setting = "MONTAGE_S3_BUCKETS" if kind == "bucket" else "MONTAGE_AZURE_CONTAINERS"
        raise CloudError(
            f"This server's credentials are not offered for the {kind} '{name}' (it is not in {setting}). "
            f"Give {keys} in json, or ask the operator to allow the {kind}."
        )


# --- S3 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class S3Location:
    bucket: str
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    region: str | None = None

    def __repr__(self) -> str:  # never show keys in tracebacks or logs
        return f"S3Location(bucket={self.bucket!r}, own_credentials={self.access_key_id is not None})"

    @property
    def own_credentials(self) -> bool:
        return self.access_key_id is not None


def s3_location(data: dict) -> S3Location:
    """The bucket and credentials named by json (bucket, aws_* keys, region); CloudError if wrong."""
    bucket = _text(data, "bucket")
    if not bucket or not _S3_BUCKET.match(bucket) or ".." in bucket:
        raise CloudError("json.bucket must be an S3 bucket name (3 to 255 letters, digits, '.', '-' or '_').")
    key_id, secret, token = (_text(data, name) for name in S3_SECRET_KEYS)
    if bool(key_id) != bool(secret):
        raise CloudError("Give both aws_access_key_id and aws_secret_access_key, or neither.")
    if token and not key_id:
        raise CloudError("aws_session_token needs aws_access_key_id and aws_secret_access_key.")
    region = _text(data, "region")
    if region and not _REGION.match(region):
        raise CloudError("json.region must be an S3 region name such as 'eu-west-1'.")
    location = S3Location(bucket=bucket, access_key_id=key_id, secret_access_key=secret, session_token=token,
                          region=region)
    if not location.own_credentials:
        media_bucket = settings.AWS_STORAGE_BUCKET_NAME if settings.MEDIA_STORAGE == "s3" else None
        _server_may_use(bucket, allowed=settings.MONTAGE_S3_BUCKETS, media=media_bucket, kind="bucket",
                        keys="aws_access_key_id and aws_secret_access_key")
    return location


def s3_client(location: S3Location):
    import boto3
    from botocore.config import Config

    if location.own_credentials:
        session = boto3.session.Session(
            aws_access_key_id=location.access_key_id, aws_secret_access_key=location.secret_access_key,
            aws_session_token=location.session_token,
        )
    else:
        session = boto3.session.Session(
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        )
    return session.client(
        "s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL,
        region_name=location.region or settings.AWS_S3_REGION_NAME or None,
        config=Config(signature_version="s3v4", connect_timeout=10, read_timeout=60,
                      retries={"max_attempts": 3, "mode": "standard"}),
    )


def s3_object_url(client, bucket: str, key: str) -> str:
    """The plain (unsigned) URL of an object: where a delivered render lives."""
    from urllib.parse import quote

    quoted = quote(key, safe="/~")
    if settings.AWS_S3_ENDPOINT_URL:
        return f"{settings.AWS_S3_ENDPOINT_URL.rstrip('/')}/{bucket}/{quoted}"
    region = client.meta.region_name or "us-east-1"
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", bucket):
        return f"https://{bucket}.s3.{region}.amazonaws.com/{quoted}"
    return f"https://s3.{region}.amazonaws.com/{bucket}/{quoted}"


def describe_s3_error(error: BaseException, *, bucket: str, key: str | None = None) -> str:
    """A sentence for what boto3 raised (the original ClientError is found inside wrappers)."""
    from botocore.exceptions import (
        ClientError,
        ConnectionError as BotoConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, (ClientError, NoCredentialsError, PartialCredentialsError,
                                                       BotoConnectionError)):
        cause = cause.__cause__ or cause.__context__
    where = f"'{key}' in S3 bucket '{bucket}'" if key else f"S3 bucket '{bucket}'"
    if isinstance(cause, (NoCredentialsError, PartialCredentialsError)):
        return (f"The server has no S3 credentials for {where}: give aws_access_key_id and "
                f"aws_secret_access_key in json.")
    if isinstance(cause, BotoConnectionError):
        return f"S3 could not be reached for {where}: {cause}."
    if not isinstance(cause, ClientError):
        return f"S3 failed for {where}: {error}."
    code = str(cause.response.get("Error", {}).get("Code", ""))
    status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code == "NoSuchBucket":
        return f"The S3 bucket '{bucket}' does not exist."
    if code == "NoSuchKey":
        return f"There is no object {where}."
    if code in ("404", "NotFound") or status == 404:  # a HEAD's 404 has no body to tell key from bucket
        return f"There is no object {where}, or no such bucket." if key else f"The S3 bucket '{bucket}' does not exist."
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken"):
        return f"S3 refused the credentials for {where} ({code})."
    if code in ("AccessDenied", "403", "Forbidden", "AllAccessDisabled") or status == 403:
        return f"S3 denied access to {where}."
    if code in ("AccessControlListNotSupported", "InvalidArgument") and "ACL" in str(cause):
        return f"S3 bucket '{bucket}' does not accept the ACL in json.acl ({cause.response['Error'].get('Message', code)})."
    message = cause.response.get("Error", {}).get("Message") or code or "an error"
    return f"S3 answered {code or status} for {where}: {message}"


# --- Azure ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AzureLocation:
    container: str
    account_name: str | None = None
    account_key: str | None = None
    sas_token: str | None = None

    def __repr__(self) -> str:
        return f"AzureLocation(container={self.container!r}, account={self.account_name!r})"

    @property
    def own_credentials(self) -> bool:
        return self.account_name is not None


def azure_location(data: dict) -> AzureLocation:
    """The container and credentials named by json (container, account_name + account_key / sas_token)."""
    container = _text(data, "container")
    if not container or not _AZURE_CONTAINER.match(container):
        raise CloudError("json.container must be an Azure container name: 3 to 63 lower-case letters, digits "
                         "and single hyphens, starting with a letter or digit.")
    if "connection_string" in data:
        raise CloudError("A connection string cannot be given per request (it could point the server anywhere); "
                         "give account_name with account_key or sas_token.")
    account, key, sas = _text(data, "account_name"), _text(data, "account_key"), _text(data, "sas_token")
    if (key or sas) and not account:
        raise CloudError("account_key and sas_token need account_name.")
    if account and not (key or sas):
        raise CloudError("account_name needs account_key or sas_token.")
    if account and not _AZURE_ACCOUNT.match(account):
        raise CloudError("json.account_name must be an Azure storage account name: 3 to 24 lower-case letters and digits.")
    location = AzureLocation(container=container, account_name=account, account_key=key, sas_token=sas)
    if not location.own_credentials:
        media_container = settings.AZURE_CONTAINER if settings.MEDIA_STORAGE == "azure" else None
        _server_may_use(container, allowed=settings.MONTAGE_AZURE_CONTAINERS, media=media_container,
                        kind="container", keys="account_name and account_key (or sas_token)")
    return location


def azure_container_client(location: AzureLocation):
    from azure.storage.blob import BlobServiceClient

    options = dict(settings.AZURE_CLIENT_OPTIONS or {})
    if location.own_credentials:
        account_url = settings.AZURE_ACCOUNT_URL.format(account=location.account_name)
        credential = ({"account_name": location.account_name, "account_key": location.account_key}
                      if location.account_key else location.sas_token.lstrip("?"))
        service = BlobServiceClient(account_url, credential=credential, **options)
    else:
        if not settings.AZURE_CONNECTION_STRING:
            raise CloudError("The server has no Azure credentials (AZURE_CONNECTION_STRING): give account_name "
                             "and account_key (or sas_token) in json.")
        service = BlobServiceClient.from_connection_string(settings.AZURE_CONNECTION_STRING, **options)
    return service.get_container_client(location.container)


def azure_blob_url(blob_client) -> str:
    """The blob's plain URL, without any SAS token it was reached with."""
    return blob_client.url.split("?", 1)[0]


def describe_azure_error(error: BaseException, *, container: str, blob: str | None = None) -> str:
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
        ServiceResponseError,
    )

    where = f"blob '{blob}' in Azure container '{container}'" if blob else f"Azure container '{container}'"
    code = getattr(error, "error_code", "") or ""
    code = str(getattr(code, "value", code))  # a StorageErrorCode enum reads "StorageErrorCode.X" as str()
    if isinstance(error, ResourceNotFoundError):
        if code == "ContainerNotFound" or not blob:
            return f"The Azure container '{container}' does not exist."
        return f"There is no {where}."
    if isinstance(error, ClientAuthenticationError):
        return f"Azure refused the credentials for {where} ({code or 'authentication failed'})."
    if isinstance(error, (ServiceRequestError, ServiceResponseError)):
        return f"Azure Blob Storage could not be reached for {where}: {error.message if hasattr(error, 'message') else error}."
    if isinstance(error, HttpResponseError):
        if code in ("AuthorizationFailure", "AuthorizationPermissionMismatch", "InsufficientAccountPermissions") \
                or error.status_code == 403:
            return f"Azure denied access to {where} ({code or '403'})."
        if code == "PublicAccessNotPermitted":
            return f"The storage account does not allow public access, which json.public asks for ({where})."
        reason = (error.reason or "") if hasattr(error, "reason") else ""
        return f"Azure answered {error.status_code} {code or reason} for {where}."
    return f"Azure Blob Storage failed for {where}: {error}."
