"""Content hashes: a File's SHA-256, computed while its bytes stream in, never by reading them again.

Bytes reach the server in one of a few ways, and each hashes them on the
way past:

- a multipart upload: Django's upload handlers see every chunk as it is
  parsed; `HashingMemoryFileUploadHandler` / `HashingTemporaryFileUploadHandler`
  (FILE_UPLOAD_HANDLERS) hash what they keep and leave the digest on the
  uploaded file as `sha256`;
- an import (URL, S3, Azure, server path): the download is written through a
  `HashingWriter` (media_assets.imports);
- a copy: the same bytes, so its original's hash;
- anything else (a title, a resumable upload, an archive entry, a local file
  of `manage.py ingest`): the ingest stores it through a `HashingReader`, so
  the one read that stores the bytes also hashes them.

`media_assets.ingest.file_ingest` records the digest on the File.
"""

from __future__ import annotations

import hashlib
import re

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

CHUNK = 1024 * 1024
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def sha256_valid(text: str) -> bool:
    """Whether `text` is a SHA-256 digest in hex (either case)."""
    return bool(SHA256_PATTERN.match((text or "").lower()))


class HashingWriter:
    """A binary handle's `write`, hashing every byte written through it."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def write(self, chunk: bytes) -> int:
        self.digest.update(chunk)
        return self.handle.write(chunk)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


class HashingReader:
    """A readable file object that hashes the bytes read from it, in order.

    Storage backends may seek back and read again (a retry, a size check):
    only bytes past what was already hashed count, and a read that skips
    ahead marks the digest incomplete (`hexdigest()` is then None).
    """

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.hashed = 0
        self.broken = False

    def read(self, size: int = -1) -> bytes:
        start = self.raw.tell()
        data = self.raw.read(size)
        if start > self.hashed:
            self.broken = True
        elif data and start + len(data) > self.hashed:
            self.digest.update(data[self.hashed - start:])
            self.hashed = start + len(data)
        return data

    def complete(self, size: int) -> bool:
        return not self.broken and self.hashed == size

    def hexdigest(self) -> str | None:
        return None if self.broken else self.digest.hexdigest()

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def __iter__(self):
        return iter(lambda: self.read(CHUNK), b"")


def path_sha256(path: str) -> str:
    """The SHA-256 of a local file (for bytes that reached no hashing path)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- upload handlers (settings.FILE_UPLOAD_HANDLERS) ---------------------------------------------


class _HashingMixin:
    def new_file(self, *args, **kwargs):
        self._sha256 = hashlib.sha256()  # first: the memory handler's new_file raises StopFutureHandlers
        super().new_file(*args, **kwargs)

    def _hash(self, raw_data: bytes) -> None:
        self._sha256.update(raw_data)

    def _digested(self, file):
        if file is not None:
            file.sha256 = self._sha256.hexdigest()
        return file


class HashingMemoryFileUploadHandler(_HashingMixin, MemoryFileUploadHandler):
    """Django's in-memory upload handler, hashing the small uploads it keeps."""

    def receive_data_chunk(self, raw_data, start):
        if self.activated:
            self._hash(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        return self._digested(super().file_complete(file_size))


class HashingTemporaryFileUploadHandler(_HashingMixin, TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, hashing each chunk as it is written to the disk."""

    def receive_data_chunk(self, raw_data, start):
        self._hash(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        return self._digested(super().file_complete(file_size))
