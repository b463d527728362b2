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
import, title, copy, load) saying how it came. Both hooks here are
`config.hooks.Hook`s run after commit, with its promises (order, one
subscription per callback, a failing callback logged and harmless, quick
callbacks only). The file may be deleted again before queued work runs
(an asset refused after its import, a user's delete), so work queued by
id does nothing when the row is gone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db import models

from config.hooks import Hook

if TYPE_CHECKING:  # only named in annotations: this module stays importable before the models are ready
    from media_assets.models import File

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


#: `callback(file, origin=...)` after every ingest commits
file_ingested = Hook("file_ingested", logger="montage.media")
on_file_ingested = file_ingested.subscribe
off_file_ingested = file_ingested.unsubscribe


def announce_file_ingested(file: "File", *, origin: IngestOrigin) -> None:
    """Tell every subscriber about `file` once the current transaction commits (at once outside one)."""
    file_ingested.announce(file, origin=origin)


# --- version_added: an asset stacked as the next version of another ------------------------------

#: `callback(asset, stack=[...])` after an asset is stacked as a new version (after commit):
#: `asset` is the new version (`media_assets.catalog.models.Asset`), `stack` its stack in order,
#: version 1 first. Notifications listen to it (`version.added`).
version_added = Hook("version_added", logger="montage.media")
on_version_added = version_added.subscribe


def announce_version_added(asset, *, stack: list) -> None:
    version_added.announce(asset, stack=stack)
