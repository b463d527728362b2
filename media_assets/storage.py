"""Where media bytes live: the backend behind `default_storage`.

Media is stored through Django's `default_storage` (STORAGES, chosen by
MEDIA_STORAGE): the local disk, S3 or Azure Blob Storage. This module
answers what the rest of Montage needs from that backend without caring
which one it is:

* `storage_kind()`: "local", "s3" or "azure".
* `open_stored(name)`: a seekable read-only stream of a stored object. On
  S3 and Azure it fetches lazily with ranged GETs from the position read,
  so a download or a copy never holds an object whole (django-storages'
  own file objects download the whole object before the first read).
* `signed_url(name, filename)`: a short-lived URL the client can fetch the
  object from directly (S3 and Azure), or None on the local disk.
* `storage_used(backend=..., objects=...)`: what the /storage/ endpoints
  answer: `local` measures each stored object, `cloud` everything stored in
  the objects' folders (other objects there included, as OpenShot's cloud
  backend does; S3 or Azure only), `json` adds up the sizes recorded when
  the objects were stored, without touching the storage.
* `storage_identity()`: which bucket/container/folder, for cache keys.
* `AzureMediaStorage`: django-storages' Azure backend, with the client
  options (block sizes) applied when a connection string is used too.
"""

from __future__ import annotations

import io
import mimetypes
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.utils.http import content_disposition_header
from storages.backends.azure_storage import AzureStorage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

CHUNK = 1024 * 1024


class AzureMediaStorage(AzureStorage):
    """AzureStorage that honours AZURE_CLIENT_OPTIONS with a connection string as well."""

    def _get_service_client(self):
        if self.connection_string is not None:
            from azure.storage.blob import BlobServiceClient

            return BlobServiceClient.from_connection_string(self.connection_string, **(self.client_options or {}))
        return super()._get_service_client()


def storage_kind(storage=None) -> str:
    storage = storage or default_storage
    if isinstance(storage, S3Storage):
        return "s3"
    if isinstance(storage, AzureStorage):
        return "azure"
    return "local"


def storage_identity(storage=None) -> str:
    """Names the bucket/container/folder behind the storage, so caches never mix two of them."""
    storage = storage or default_storage
    kind = storage_kind(storage)
    if kind == "s3":
        return f"s3|{storage.endpoint_url or ''}|{storage.bucket_name}|{storage.location}"
    if kind == "azure":
        return f"azure|{storage.account_name}|{storage.azure_container}|{storage.location}"
    return f"local|{getattr(storage, 'location', '')}"


def local_path(name: str, storage=None) -> str | None:
    """The object's path on this machine's disk, when the storage is a local one."""
    storage = storage or default_storage
    if storage_kind(storage) != "local":
        return None
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


# --- reading ------------------------------------------------------------------------------


class RangedReader(io.RawIOBase):
    """A seekable stream over a remote object, fetched from the current position on demand.

    `open_from(position)` starts a GET of the object from `position` to its
    end and returns (chunk iterator, close function). A seek drops the
    current GET; the next read starts another one where it is needed.
    """

    def __init__(self, size: int, open_from: Callable[[int], tuple[Iterator[bytes], Callable[[], None]]]):
        super().__init__()
        self.size = size
        self._open_from = open_from
        self._position = 0
        self._chunks: Iterator[bytes] | None = None
        self._close_stream: Callable[[], None] | None = None
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        target = base + offset
        if target < 0:
            raise ValueError("negative seek position")
        if target != self._position:
            self._drop_stream()
            self._position = target
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self.size or not len(buffer):
            return 0
        if not self._pending:
            if self._chunks is None:
                self._chunks, self._close_stream = self._open_from(self._position)
            chunk = next(self._chunks, b"")
            if not chunk:
                raise OSError(f"the stored object ended after {self._position} of {self.size} bytes")
            self._pending = memoryview(chunk)
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self._position += count
        return count

    def close(self) -> None:
        self._drop_stream()
        super().close()

    def _drop_stream(self) -> None:
        if self._close_stream is not None:
            try:
                self._close_stream()
            except Exception:  # closing a half-read HTTP body may complain; it is gone either way
                pass
        self._chunks, self._close_stream, self._pending = None, None, memoryview(b"")


def _s3_reader(storage: S3Storage, name: str, size: int) -> RangedReader:
    key = storage._normalize_name(clean_name(name))
    client = storage.connection.meta.client

    def open_from(position: int):
        body = client.get_object(Bucket=storage.bucket_name, Key=key, Range=f"bytes={position}-")["Body"]
        return body.iter_chunks(CHUNK), body.close

    return RangedReader(size, open_from)


def _azure_reader(storage: AzureStorage, name: str, size: int) -> RangedReader:
    blob = storage.client.get_blob_client(storage._get_valid_path(name))

    def open_from(position: int):
        download = blob.download_blob(offset=position, length=size - position, timeout=storage.timeout)
        return iter(download.chunks()), lambda: None

    return RangedReader(size, open_from)


def open_stored(name: str, storage=None) -> tuple[io.BufferedIOBase, int]:
    """(readable, seekable stream of the object, its size); FileNotFoundError when it is missing."""
    storage = storage or default_storage
    size = stored_size(name, storage)
    if size is None:
        raise FileNotFoundError(f"{name} is missing from storage")
    kind = storage_kind(storage)
    if kind == "s3":
        return io.BufferedReader(_s3_reader(storage, name, size), buffer_size=CHUNK), size
    if kind == "azure":
        return io.BufferedReader(_azure_reader(storage, name, size), buffer_size=CHUNK), size
    return storage.open(name, "rb"), size


# --- signed URLs ------------------------------------------------------------------------


def signed_url(name: str, filename: str, storage=None) -> str | None:
    """A URL valid for MEDIA_SIGNED_URL_SECONDS that downloads the object as `filename`, or None."""
    storage = storage or default_storage
    kind = storage_kind(storage)
    disposition = content_disposition_header(True, filename)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    expire = settings.MEDIA_SIGNED_URL_SECONDS
    if kind == "s3":
        return storage.url(name, expire=expire, parameters={
            "ResponseContentDisposition": disposition, "ResponseContentType": content_type,
        })
    if kind == "azure" and storage.account_key:
        return storage.url(name, expire=expire, parameters={
            "content_disposition": disposition, "content_type": content_type,
        })
    return None  # the local disk, or an Azure login that cannot sign (no account key)


# --- measuring --------------------------------------------------------------------------


def _missing_errors() -> tuple[type[BaseException], ...]:
    from azure.core.exceptions import ResourceNotFoundError

    return (FileNotFoundError, ResourceNotFoundError)


def stored_size(name: str, storage=None) -> int | None:
    """The object's size in bytes, or None when it is not in storage."""
    if not name:
        return None
    storage = storage or default_storage
    try:
        return int(storage.size(name))
    except _missing_errors():
        return None
    except OSError:  # the local disk: a missing parent folder and the like
        return None


def folder_size(prefix: str, storage=None) -> int:
    """Bytes of every object stored under the folder `prefix` (e.g. "files/12")."""
    storage = storage or default_storage
    kind = storage_kind(storage)
    if kind == "s3":
        folder = storage._normalize_name(clean_name(prefix)).rstrip("/") + "/"
        paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
        return sum(entry["Size"] for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=folder)
                   for entry in page.get("Contents", ()))
    if kind == "azure":
        folder = storage._get_valid_path(prefix).rstrip("/") + "/"
        return sum(blob.size for blob in storage.client.list_blobs(name_starts_with=folder, timeout=storage.timeout))
    if not isinstance(storage, FileSystemStorage):
        return 0
    root = storage.path(prefix)
    total = 0
    for folder_path, _folders, names in os.walk(root):
        for entry in names:
            try:
                total += os.stat(os.path.join(folder_path, entry)).st_size
            except OSError:
                pass
    return total


def folder_of(name: str) -> str:
    """The storage folder holding `name` ("files/12/clip.mp4" -> "files/12")."""
    return posixpath.dirname(name)


class StorageBackend(models.TextChoices):
    LOCAL = "local", "Each stored object, measured"
    CLOUD = "cloud", "Everything in the objects' cloud storage folders"
    JSON = "json", "Sizes recorded when stored"


def storage_used(*, backend: str, objects: Iterable[tuple[str, object]], storage=None) -> int:
    """Bytes used by the stored objects `(name, recorded size)`; an object shared by several rows counts once."""
    storage = storage or default_storage
    recorded = {}
    for name, size in objects:
        if name:
            recorded.setdefault(name, size)
    if backend == StorageBackend.JSON:
        return sum(_whole_number(size) for size in recorded.values())
    if backend == StorageBackend.LOCAL:
        return sum(stored_size(name, storage) or 0 for name in recorded)
    if storage_kind(storage) == "local":
        raise ValidationError({"backend": [
            "No cloud storage is configured (MEDIA_STORAGE is local); use backend local or json."
        ]})
    return sum(folder_size(folder, storage) for folder in sorted({folder_of(name) for name in recorded}))


def _whole_number(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0
