"""The ZIP downloads, streamed: /projects/<id>/download/ and /download/format/.

zipstream-ng writes the ZIP as the response is sent: each media file is
read from storage in chunks only when the stream reaches it, so no archive
is ever built in memory or on disk. Entries are stored uncompressed (media
is compressed already), which also makes the archive's size known up front
(`Content-Length`).

Layout: the project file at the top (`<project>.osp`, or the `.edl`,
`.xml` or `.otio`), media under `media/` with its file name (made unique
when two files share one). The project file's paths point there, so
OpenShot (and the other editors) find the media beside it, and `/load/`
takes the archive back as it is.
"""

from __future__ import annotations

import json
import posixpath
from typing import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename, slugify
from zipstream import ZIP_STORED, ZipStream

from media_assets.models import File
from projects.interchange import editorial
from projects.interchange.osp import project_osp
from projects.models import Clip, Project

CHUNK = 1024 * 1024
MEDIA_FOLDER = "media"
FORMATS = {"edl": ".edl", "xml": ".xml", "otio": ".otio"}


def archive_stem(project: Project) -> str:
    return slugify(project.name) or f"project-{project.pk}"


def media_names(files: Iterable[File]) -> dict[int, str]:
    """Each file's path in the archive: media/<file name>, unique."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for file in files:
        base = get_valid_filename(posixpath.basename(file.media.name)) or f"file-{file.pk}"
        candidate = f"{MEDIA_FOLDER}/{base}"
        if candidate.lower() in taken:
            stem, suffix = posixpath.splitext(base)
            candidate = f"{MEDIA_FOLDER}/{stem}-{file.pk}{suffix}"
        taken.add(candidate.lower())
        names[file.pk] = candidate
    return names


def _stored_chunks(name: str) -> Iterator[bytes]:
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _archive(project_file: str, entry: str, files: list[File], names: dict[int, str]) -> ZipStream:
    """A stream of the project file (at `entry`) and then each file's media (at its name in `names`)."""
    stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    stream.add(project_file.encode("utf-8"), entry)
    for file in files:
        try:
            size = default_storage.size(file.media.name)
        except (FileNotFoundError, OSError) as error:
            raise ValidationError({"detail": [f"The media of file {file.pk} ({file.name}) is missing from storage."]}) from error
        stream.add(_stored_chunks(file.media.name), names[file.pk], size=size)
    return stream


def project_archive(project: Project) -> tuple[ZipStream, str]:
    """(the stream, its file name): the OpenShot project file and every file's media."""
    files = list(File.objects.filter(project=project).order_by("id"))
    names = media_names(files)
    stem = archive_stem(project)
    osp = project_osp(project, media_path=lambda file: names[file.pk])
    return _archive(json.dumps(osp, indent=2), f"{stem}.osp", files, names), f"{stem}.zip"


def format_archive(project: Project, *, format: str, layer: int | None) -> tuple[ZipStream, str]:
    """(the stream, its file name): an EDL of `layer`, FCP 7 XML or OTIO, and the media they use."""
    clips = Clip.objects.filter(project=project)
    if format == "edl":
        clips = clips.filter(layer=layer)
    files = list(File.objects.filter(pk__in=clips.values("file_id")).order_by("id"))
    names = media_names(files)
    media_url = lambda file: names[file.pk]  # noqa: E731
    if format == "edl":
        text = editorial.edl_text(project, layer=layer, media_url=media_url)
    elif format == "xml":
        text = editorial.fcp_xml_text(project, media_url=media_url)
    else:
        text = editorial.otio_text(project, media_url=media_url)
    stem = archive_stem(project)
    suffix = f"-layer{layer}" if format == "edl" else ""
    return _archive(text, f"{stem}{suffix}{FORMATS[format]}", files, names), f"{stem}{suffix}-{format}.zip"
