"""Bulk ingest: media files from folders on this machine, each through the one ingest path (`manage.py ingest`).

`media_paths` walks what was named (a folder's own files, or its whole
tree with `recursive`); `path_ingest` ingests one file into a project or
a catalog and says what came of it: ingested, a duplicate left alone
(with `dedupe`: bytes the project or catalog already holds, by SHA-256),
or skipped with the reason (unreadable, not media). With `dedupe` the file
is hashed before anything is stored, so a duplicate costs one read and
leaves nothing behind; the hash then travels with it into the ingest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError

from media_assets.api.asset_making import catalog_asset_create
from media_assets.catalog.services import asset_duplicate_find
from media_assets.hashing import path_sha256
from media_assets.hooks import IngestOrigin
from media_assets.ingest import file_ingest
from media_assets.local_files import LocalMedia
from media_assets.models import File
from media_assets.services import file_delete


@dataclass(frozen=True)
class Outcome:
    path: Path
    result: str  # "ingested" | "duplicate" | "skipped"
    size: int = 0
    reason: str = ""
    file: File | None = None
    asset: object = None


def media_paths(paths: Iterable[str | Path], *, recursive: bool = False) -> Iterator[Path | Outcome]:
    """Every regular file named or inside a named folder (sorted); an Outcome("skipped") for what cannot be walked."""
    for given in paths:
        path = Path(given)
        if path.is_file():
            yield path
        elif path.is_dir():
            walker = os.walk(path, onerror=None) if recursive else [(str(path), [], os.listdir(path))]
            for folder, folders, names in walker:
                folders.sort()
                for name in sorted(names):
                    candidate = Path(folder) / name
                    if candidate.is_file() and not name.startswith("."):
                        yield candidate
        elif path.exists():
            yield Outcome(path, "skipped", reason="not a regular file or folder")
        else:
            yield Outcome(path, "skipped", reason="no such file or folder")


def path_ingest(*, path: Path, owner, project=None, catalog=None, dedupe: bool = False) -> Outcome:
    """Ingest the file at `path` into `project` or `catalog` (as an asset there)."""
    try:
        size = path.stat().st_size
        handle = open(path, "rb")
    except OSError as error:
        return Outcome(path, "skipped", reason=f"cannot be read: {error.strerror or error}")
    with handle:
        if size == 0:
            return Outcome(path, "skipped", reason="empty (0 bytes)")
        media = LocalMedia(handle, name=path.name, path=str(path))
        if dedupe:
            media.sha256 = path_sha256(str(path))
            existing = _existing(media.sha256, owner=owner, project=project, catalog=catalog)
            if existing is not None:
                return Outcome(path, "duplicate", size, reason=f"same bytes as {existing}")
        try:
            file = file_ingest(source=media, owner=owner, project=project, origin=IngestOrigin.IMPORT)
        except DjangoValidationError as error:
            messages = error.message_dict.get("media", error.messages) if hasattr(error, "error_dict") else error.messages
            return Outcome(path, "skipped", size, reason=" ".join(messages))
    if catalog is None:
        return Outcome(path, "ingested", size, file=file)
    try:
        asset, _created = catalog_asset_create(file=file, catalog=catalog, user=owner)
    except ValidationError as error:
        file_delete(file=file)
        return Outcome(path, "skipped", size, reason=f"no asset could be made: {error.detail}")
    return Outcome(path, "ingested", size, file=file, asset=asset)


def _existing(sha256: str, *, owner, project, catalog) -> str | None:
    if catalog is not None:
        asset = asset_duplicate_find(catalog=catalog, sha256=sha256)
        return f"asset {asset.pk}" if asset is not None else None
    file = File.objects.filter(owner=owner, project=project, sha256=sha256).order_by("pk").first()
    return f"file {file.pk}" if file is not None else None
