"""Media bytes on this machine's disk, where PyAV, ffmpeg and fontTools can read them.

An upload Django streamed to a temporary file already has a local path
(`temporary_file_path()`); a small upload Django kept in memory is
spooled to a temporary file first (`upload_local_path`). `LocalMedia`
wraps a file that is already on the disk (an import's download, an
archive entry) so it travels like an upload, in chunks.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from django.core.files import File as DjangoFile

CHUNK = 1024 * 1024


class LocalMedia(DjangoFile):
    """A local file shaped like an upload: its bytes stream from `local_path`.

    With `movable=True` the file is the caller's to give away, and it
    looks like Django's TemporaryUploadedFile: local file storage then
    moves it into place instead of copying it.
    """

    def __init__(self, handle, *, name: str, path: str, movable: bool = False):
        super().__init__(handle, name=name)
        self.local_path = path
        if movable:
            self.temporary_file_path = lambda: path


@contextmanager
def upload_local_path(upload: DjangoFile) -> Iterator[str]:
    """A local path holding the upload's bytes (Django's temp file or the local file when there is one)."""
    if hasattr(upload, "temporary_file_path"):
        yield upload.temporary_file_path()
        return
    if getattr(upload, "local_path", None):
        yield upload.local_path
        return
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name or "").suffix) as handle:
        for chunk in upload.chunks(CHUNK):
            handle.write(chunk)
        handle.flush()
        upload.seek(0)
        yield handle.name
