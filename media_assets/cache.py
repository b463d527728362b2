"""The worker's local media cache: stored objects copied onto this machine's disk.

PyAV and ffmpeg read local files. On the local disk a stored file already is
one; on S3 or Azure a worker (on any machine, sharing nothing but the
database and the storage) fetches the object once into MEDIA_CACHE_DIR and
reuses it while it stays there.

* Keyed by the storage (backend, bucket/container, folder), the object's
  name and its size: stored names are never reused for other bytes (uploads
  get free names, replacements new ones), and the size catches the rest.
* Filled by streaming into a private `.part` file that is renamed into place
  only when complete and of the expected size, so a reader never sees half
  an object and two workers fetching the same object do not collide.
* Bounded by MEDIA_CACHE_MAX_BYTES: past it, least recently used entries
  are deleted. Entries used in the last `IN_USE_SECONDS` are spared, so a
  render's inputs are not pulled from under it; when they alone exceed the
  bound the cache stays over it until they age.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
import uuid
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage

from media_assets.storage import local_path, open_stored, storage_identity

log = logging.getLogger("montage.media")

CHUNK = 1024 * 1024
IN_USE_SECONDS = 15 * 60
STALE_PART_SECONDS = 24 * 3600
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


def cached_media_path(name: str, *, size: int | None = None, storage=None) -> str:
    """A local path holding the stored object `name` (FileNotFoundError if storage lacks it)."""
    storage = storage or default_storage
    direct = local_path(name, storage)
    if direct is not None:
        return direct
    reader, stored = open_stored(name, storage)
    with reader:
        if size is not None and size != stored:
            log.info("media %s: recorded size %s, stored size %s; caching the stored object", name, size, stored)
        target = _entry_path(name, stored, storage)
        if target.exists() and target.stat().st_size == stored:
            os.utime(target)  # recently used: last to be evicted
            return str(target)
        _fill(target, reader, stored)
    evict(keep=target)
    return str(target)


def _entry_path(name: str, size: int, storage) -> Path:
    key = hashlib.sha256(f"{storage_identity(storage)}\0{name}\0{size}".encode()).hexdigest()
    suffix = PurePosixPath(name).suffix
    # ffmpeg chooses some demuxers (image sequences, raw streams) by extension.
    return Path(settings.MEDIA_CACHE_DIR) / f"{key}{suffix if _SUFFIX.match(suffix) else ''}"


def _fill(target: Path, reader, size: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.{uuid.uuid4().hex}.part"
    try:
        with open(partial, "wb") as handle:
            shutil.copyfileobj(reader, handle, CHUNK)
        written = partial.stat().st_size
        if written != size:
            raise OSError(f"fetched {written} bytes of a {size}-byte object")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def evict(*, keep: Path | None = None, now: float | None = None) -> int:
    """Delete least recently used entries until the cache fits its bound; returns bytes freed."""
    folder = Path(settings.MEDIA_CACHE_DIR)
    if not folder.is_dir():
        return 0
    now = now or time.time()
    entries = []
    for path in folder.iterdir():
        try:
            status = path.stat()
        except FileNotFoundError:
            continue  # another worker evicted it
        if path.name.endswith(".part"):
            if now - status.st_mtime > STALE_PART_SECONDS:  # left by a worker that died mid-fetch
                path.unlink(missing_ok=True)
            continue
        entries.append((status.st_mtime, status.st_size, path))
    total = sum(size for _, size, _ in entries)
    freed = 0
    for used, size, path in sorted(entries, key=lambda entry: entry[0]):
        if total <= settings.MEDIA_CACHE_MAX_BYTES:
            break
        if path == keep or now - used < IN_USE_SECONDS:
            continue
        path.unlink(missing_ok=True)
        total -= size
        freed += size
    if freed:
        log.info("media cache: evicted %d bytes", freed)
    return freed
