"""Files that come from elsewhere: a URL, an S3 object, an Azure blob or a server path.

POST /files/ without `media` imports what `json` names (the OpenShot forms):

* `json.url` http(s)://...: fetched through the URL guard (media_assets.remote):
  public addresses only (plus MONTAGE_TRUSTED_NETWORKS), re-checked on every
  redirect, connected to the address that was checked;
* `json.bucket` + `json.url`: the object with that key in an S3 bucket;
* `json.container` + `json.url`: the blob with that name in an Azure container;
* any other `json.url`: a path on the server, which must resolve (symlinks
  included) inside MEDIA_IMPORT_ROOT; unset, such imports are refused.

`json.name` names the file (else the name the source gives). Every source
streams into a private temporary file, never into memory, within
MEDIA_IMPORT_MAX_BYTES and MEDIA_IMPORT_TIMEOUT, and the file then goes
through `media_assets.ingest.file_ingest` exactly like an upload: probed first, stored only when
it is media. A refusal is a ValidationError on `json` that says why (a 400),
and leaves no row, no stored object and no temporary file behind.
"""

from __future__ import annotations

import os
import posixpath
import re
import socket
import stat
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename

from media_assets import cloud
from media_assets.hooks import IngestOrigin
from media_assets.hashing import HashingWriter
from media_assets.ingest import file_ingest
from media_assets.local_files import LocalMedia
from media_assets.models import File
from media_assets.remote import RemoteError, UrlPolicy, download_to

CHUNK = 1024 * 1024
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
IMPORT_KEYS = ("url", "bucket", "container")


class ImportRefused(Exception):
    """Why the import cannot happen, as a sentence for the client."""


def refusal(message: str) -> ValidationError:
    return ValidationError({"json": [message]})


# --- what json asks for (no I/O) ------------------------------------------------------------


@dataclass(frozen=True)
class ImportSource:
    def describe(self) -> str:
        raise NotImplementedError

    def fetch(self, handle: BinaryIO, *, limit: int, deadline: float) -> str | None:
        """Stream the bytes into `handle`; returns a file name the source suggests."""
        raise NotImplementedError


@dataclass(frozen=True)
class UrlSource(ImportSource):
    url: str

    def describe(self) -> str:
        return "json.url"

    def fetch(self, handle, *, limit, deadline):
        policy = UrlPolicy(max_bytes=limit, timeout=max(0.001, deadline - time.monotonic()),
                           allowed_networks=tuple(settings.MONTAGE_TRUSTED_NETWORKS))
        try:
            result = download_to(self.url, handle, policy, resolver=_resolve)
        except RemoteError as error:
            raise ImportRefused(f"Cannot import json.url: {error.reason}.") from None
        return result.filename_hint


def _resolve(*args, **kwargs):
    # Looked up per call, so the resolver in use is always socket's current one.
    return socket.getaddrinfo(*args, **kwargs)


@dataclass(frozen=True)
class S3Source(ImportSource):
    location: cloud.S3Location
    key: str

    def describe(self) -> str:
        return f"'{self.key}' in S3 bucket '{self.location.bucket}'"

    def fetch(self, handle, *, limit, deadline):
        from botocore.exceptions import BotoCoreError, ClientError

        bucket = self.location.bucket
        try:
            client = cloud.s3_client(self.location)
            size = client.head_object(Bucket=bucket, Key=self.key)["ContentLength"]
            _check_size(size, limit, self.describe())
            body = client.get_object(Bucket=bucket, Key=self.key)["Body"]
            try:
                _copy(body.iter_chunks(CHUNK), handle, limit=limit, deadline=deadline, what=self.describe())
            finally:
                body.close()
        except (BotoCoreError, ClientError) as error:
            reason = cloud.describe_s3_error(error, bucket=bucket, key=self.key)
            raise ImportRefused(cloud.scrub(f"Cannot import: {reason}", self.location)) from None
        return posixpath.basename(self.key)


@dataclass(frozen=True)
class AzureSource(ImportSource):
    location: cloud.AzureLocation
    blob: str

    def describe(self) -> str:
        return f"blob '{self.blob}' in Azure container '{self.location.container}'"

    def fetch(self, handle, *, limit, deadline):
        from azure.core.exceptions import AzureError

        try:
            blob = cloud.azure_container_client(self.location).get_blob_client(self.blob)
            size = blob.get_blob_properties().size
            _check_size(size, limit, self.describe())
            _copy(blob.download_blob().chunks(), handle, limit=limit, deadline=deadline, what=self.describe())
        except cloud.CloudError as error:
            raise ImportRefused(str(error)) from None
        except AzureError as error:
            reason = cloud.describe_azure_error(error, container=self.location.container, blob=self.blob)
            raise ImportRefused(cloud.scrub(f"Cannot import: {reason}", self.location)) from None
        return posixpath.basename(self.blob)


@dataclass(frozen=True)
class PathSource(ImportSource):
    path: str

    def describe(self) -> str:
        return "the path in json.url"

    def fetch(self, handle, *, limit, deadline):
        with _open_inside_import_root(self.path) as source:
            size = os.fstat(source.fileno()).st_size
            _check_size(size, limit, self.describe())
            _copy(iter(lambda: source.read(CHUNK), b""), handle, limit=limit, deadline=deadline, what=self.describe())
        return PurePosixPath(self.path.replace("\\", "/")).name or None


def import_source(data: dict) -> ImportSource | None:
    """What `json` asks to import, or None when it asks for nothing; ValidationError when it is malformed."""
    data = data or {}
    if not any(data.get(key) not in (None, "") for key in IMPORT_KEYS):
        return None
    url = data.get("url")
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise refusal("json.name must be a string (the imported file's name).")
    for key, text in (("url", url), ("name", name)):
        if isinstance(text, str) and not _is_plain_text(text):
            raise refusal(f"json.{key} holds characters that are not text (a NUL, a control character or half a "
                          "surrogate pair).")
    if data.get("bucket") not in (None, "") and data.get("container") not in (None, ""):
        raise refusal("Give json.bucket (S3) or json.container (Azure), not both.")
    try:
        if data.get("bucket") not in (None, ""):
            return S3Source(location=cloud.s3_location(data), key=cloud.object_key(url, what="object key"))
        if data.get("container") not in (None, ""):
            return AzureSource(location=cloud.azure_location(data), blob=cloud.object_key(url, what="blob"))
    except cloud.CloudError as error:
        raise refusal(str(error)) from None
    if not isinstance(url, str) or not url.strip():
        raise refusal("json.url must be a URL (http or https) or a path on the server.")
    url = url.strip()
    if _URL_SCHEME.match(url):
        if url.split(":", 1)[0].lower() not in ("http", "https"):
            raise refusal("Only http:// and https:// URLs can be imported. For S3 give json.bucket with the key in "
                          "json.url; for Azure json.container with the blob name.")
        return UrlSource(url=url)
    return PathSource(path=url)


def _is_plain_text(text: str) -> bool:
    """No NUL or other control character, and no lone surrogate (which no file system or encoder takes)."""
    return not any(ord(char) < 32 or ord(char) == 127 or 0xD800 <= ord(char) <= 0xDFFF for char in text)


# --- doing it -------------------------------------------------------------------------------


def file_import(*, owner, project, source: ImportSource, client_json: dict) -> File:
    """Fetch, probe and store what `source` names, as a File of `project`."""
    stored_json = cloud.without_secrets(client_json)
    limit = settings.MEDIA_IMPORT_MAX_BYTES
    deadline = time.monotonic() + settings.MEDIA_IMPORT_TIMEOUT
    with _temporary_file() as handle:
        hashing = HashingWriter(handle)  # the download is hashed as it is written: no second read
        try:
            hint = source.fetch(hashing, limit=limit, deadline=deadline)
        except ImportRefused as error:
            raise refusal(str(error)) from None
        handle.flush()
        if os.fstat(handle.fileno()).st_size == 0:
            raise refusal(f"Cannot import {source.describe()}: it is empty (0 bytes).")
        handle.seek(0)
        name = _file_name(client_json.get("name"), hint)
        media = LocalMedia(handle, name=name, path=handle.name, movable=True)
        media.sha256 = hashing.hexdigest()
        try:
            return file_ingest(source=media, owner=owner, project=project, json=stored_json,
                               origin=IngestOrigin.IMPORT)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "media" in error.message_dict:
                reasons = " ".join(error.message_dict["media"])
                raise refusal(f"What {source.describe()} holds is not usable media: {reasons}") from None
            raise


@contextmanager
def _temporary_file() -> Iterator[BinaryIO]:
    """A private temporary file, removed afterwards (unless local storage moved it into place)."""
    handle = tempfile.NamedTemporaryFile(prefix="montage-import-", dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False)
    try:
        yield handle
    finally:
        handle.close()
        Path(handle.name).unlink(missing_ok=True)


def _file_name(requested: str | None, hint: str | None) -> str:
    """A stored file's name from json.name or the source's own: its last part, made safe ("media" if nothing is left)."""
    for candidate in (requested, hint):
        if candidate and candidate.strip():
            last = PurePosixPath(candidate.replace("\\", "/")).name[:200]
            try:
                safe = get_valid_filename("".join(char for char in last if _is_plain_text(char)))
            except SuspiciousFileOperation:  # "", "." or ".."
                continue
            return safe
    return "media"


def _check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise ImportRefused(f"Cannot import {what}: it is {size:,} bytes, over the limit of {limit:,} bytes.")


def _copy(chunks: Iterable[bytes], handle: BinaryIO, *, limit: int, deadline: float, what: str) -> int:
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > limit:
            raise ImportRefused(f"Cannot import {what}: it is over the limit of {limit:,} bytes.")
        if time.monotonic() > deadline:
            raise ImportRefused(f"Cannot import {what}: it took longer than {settings.MEDIA_IMPORT_TIMEOUT:g} s.")
        handle.write(chunk)
    return written


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _check_import_path(path: str, root: str) -> None:
    if not _inside(path, root):
        raise ImportRefused("The path in json.url leads outside the folder imports may come from.")
    if _inside(path, os.path.realpath(settings.MEDIA_ROOT)):
        raise ImportRefused("The path in json.url is inside the media folder, which holds every user's files.")


class _open_inside_import_root:
    """Open a server path for reading only if it really is a regular file inside MEDIA_IMPORT_ROOT.

    The path is resolved (symlinks included) and checked; the file is opened
    without following a final symlink, and on Linux the open descriptor's
    own path is checked again, so a symlink swapped in between cannot lead
    the open elsewhere.
    """

    def __init__(self, requested: str):
        self.requested = requested
        self.handle = None

    def __enter__(self) -> BinaryIO:
        root = settings.MEDIA_IMPORT_ROOT
        if not root:
            raise ImportRefused(
                "Importing from paths on the server is turned off (the operator has not set MEDIA_IMPORT_ROOT). "
                "Give an http(s) URL, json.bucket or json.container, or upload the bytes as 'media'."
            )
        root = os.path.realpath(root)
        candidate = os.path.realpath(os.path.join(root, self.requested))  # an absolute path stays absolute
        _check_import_path(candidate, root)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            descriptor = os.open(candidate, flags)
        except FileNotFoundError:
            raise ImportRefused("There is no file at the path in json.url.") from None
        except PermissionError:
            raise ImportRefused("The server may not read the file at the path in json.url.") from None
        except OSError as error:
            raise ImportRefused(f"The file at the path in json.url cannot be opened: {error.strerror}.") from None
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise ImportRefused("The path in json.url is not a regular file.")
            opened = Path(f"/proc/self/fd/{descriptor}")
            if opened.exists():
                _check_import_path(os.path.realpath(opened), root)
            os.set_blocking(descriptor, True)
            self.handle = os.fdopen(descriptor, "rb")
        except BaseException:
            if self.handle is None:
                os.close(descriptor)
            raise
        return self.handle

    def __exit__(self, *exc_info) -> None:
        if self.handle is not None:
            self.handle.close()
