"""What media_assets announces, so that higher apps can act on it without media_assets naming them.

Imports point one way (`exports` → `projects` → `media_assets` →
`config`), so a feature of a higher app that must follow what happens to
media (a preview made for every new file, a transcription) does not get
called from here by name: it subscribes to a hook, and media_assets
announces.

`file_ingested`: a File came to exist with media of its own, by any path
(an upload, an import from a URL, S3, Azure or a server path, a catalog
asset made with media, a title, a copy, a project's `load/`; all of them
pass through `media_assets.ingest.file_ingest`). Subscribe once, from
the app's `AppConfig.ready()`:

    from media_assets.hooks import on_file_ingested

    class PreviewsConfig(AppConfig):
        def ready(self):
            on_file_ingested(preview_queue_for_file)

    def preview_queue_for_file(file, *, origin):
        make_preview.send(file.pk)  # called after commit: the worker will find the row

A callback is called as `callback(file, origin=...)`, where `file` is the
new `media_assets.models.File` and `origin` an `IngestOrigin` (upload,
import, title, copy, load) saying how it came. It runs after the
transaction that created the row has committed (Django's
`transaction.on_commit`), never when that transaction rolls back, so it
may queue work that reads the row. Callbacks run in the order they
subscribed; one that raises is logged (with the file's id) and neither
undoes the ingest nor keeps the others from running. They run in the
process that ingested (a web request, most often), so they must be
quick: queue heavy work, do not do it. The file may be deleted again
before that work runs (an asset refused after its import, a user's
delete), so work queued by id does nothing when the row is gone.

Subscribing the same callback twice keeps one subscription (`ready()`
may run more than once in tests).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, Protocol

from django.db import models, transaction

if TYPE_CHECKING:  # only named in annotations: this module stays importable before the models are ready
    from media_assets.models import File

log = logging.getLogger("montage.media")


class IngestOrigin(models.TextChoices):
    """How a File came to exist."""

    UPLOAD = "upload", "Uploaded bytes (multipart /files/ or /assets/ with media)"
    IMPORT = "import", "Imported from a URL, an S3 object, an Azure blob or a server path"
    TITLE = "title", "A title made from a shipped template"
    COPY = "copy", "A copy of another File's media"
    LOAD = "load", "An archive entry of a project's load/"
    RENDER = "render", "A render's output, published to a catalog for review"


class FileIngestedCallback(Protocol):
    def __call__(self, file: "File", *, origin: IngestOrigin) -> None: ...


_file_ingested: list[FileIngestedCallback] = []


def on_file_ingested(callback: FileIngestedCallback) -> FileIngestedCallback:
    """Call `callback(file, origin=...)` after every ingest commits; returns it (usable as a decorator)."""
    if callback not in _file_ingested:
        _file_ingested.append(callback)
    return callback


def off_file_ingested(callback: FileIngestedCallback) -> None:
    """Stop calling `callback` (tests; an app that no longer listens)."""
    if callback in _file_ingested:
        _file_ingested.remove(callback)


def announce_file_ingested(file: "File", *, origin: IngestOrigin) -> None:
    """Tell every subscriber about `file` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _run_file_ingested(file, origin))


def _run_file_ingested(file: "File", origin: IngestOrigin) -> None:
    for callback in list(_file_ingested):
        try:
            callback(file, origin=origin)
        except Exception:  # a subscriber's failure is its own; the file is stored and recorded either way
            log.exception("file %s ingested (%s): the file_ingested callback %s failed", file.pk, origin,
                          getattr(callback, "__qualname__", callback))


# --- version_added: an asset stacked as the next version of another ------------------------------

VersionAddedCallback = Callable[..., None]
_version_added: list[VersionAddedCallback] = []


def on_version_added(callback: VersionAddedCallback) -> VersionAddedCallback:
    """Call `callback(asset, stack=[...])` after an asset is stacked as a new version (after commit).

    `asset` is the new version (`media_assets.catalog.models.Asset`), `stack`
    its stack in order, version 1 first. Notifications listen to it
    (`version.added`).
    """
    if callback not in _version_added:
        _version_added.append(callback)
    return callback


def announce_version_added(asset, *, stack: list) -> None:
    transaction.on_commit(lambda: _run_version_added(asset, stack))


def _run_version_added(asset, stack: list) -> None:
    for callback in list(_version_added):
        try:
            callback(asset, stack=stack)
        except Exception:  # a listener's failure is its own; the stack is saved either way
            log.exception("asset %s stacked: the version_added callback %s failed", asset.pk,
                          getattr(callback, "__qualname__", callback))
