"""Untrusted ZIP archives, opened and extracted within limits (the archive of /load/).

An archive comes from a client, so nothing in it is believed:

* names: no absolute paths (`/x`, `C:\\x`), no `..`, no NUL, no duplicates;
  entries are written to numbered files in a private temporary folder,
  never to a path built from their name;
* kinds: regular files and folders only: a symbolic link (or a device,
  FIFO ...) is refused, as are encrypted entries;
* sizes: the number of entries (read from the end record before the
  central directory is parsed), the bytes each entry really decompresses
  to, the total of those bytes and each entry's compression ratio are
  counted while extracting, not taken from the headers, and checked
  against `archive_limits()` (settings `MONTAGE_ARCHIVE_*`).

Any breach is a ValidationError on `archive` (a 400) and the temporary
folder is removed; nothing has been written anywhere else.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError

CHUNK = 1024 * 1024
PROJECT_SUFFIXES = (".osp", ".json", ".otio")
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 5000
    max_total_bytes: int = 20 * 1024**3
    max_ratio: float = 200.0  # uncompressed / compressed, per entry ...
    ratio_floor: int = 4 * 1024 * 1024  # ... once it has produced this many bytes
    max_project_file_bytes: int = 64 * 1024 * 1024


def archive_limits() -> ArchiveLimits:
    defaults = ArchiveLimits()
    return ArchiveLimits(
        max_entries=getattr(settings, "MONTAGE_ARCHIVE_MAX_ENTRIES", defaults.max_entries),
        max_total_bytes=getattr(settings, "MONTAGE_ARCHIVE_MAX_BYTES", defaults.max_total_bytes),
        max_ratio=getattr(settings, "MONTAGE_ARCHIVE_MAX_RATIO", defaults.max_ratio),
        ratio_floor=getattr(settings, "MONTAGE_ARCHIVE_RATIO_FLOOR", defaults.ratio_floor),
        max_project_file_bytes=defaults.max_project_file_bytes,
    )


def refused(message: str) -> ValidationError:
    return ValidationError({"archive": [message]})


class ExtractedArchive:
    """The regular files of an archive, extracted into a private temporary folder (removed on close)."""

    def __init__(self, root: Path):
        self.root = root
        self.entries: dict[str, Path] = {}  # normalised archive name -> extracted file

    def __enter__(self) -> ExtractedArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def find(self, path: str) -> tuple[str, Path] | None:
        """The entry a project file's path names: the same path, else the only entry with that file name."""
        wanted = normalise_reference(path)
        if wanted in self.entries:
            return wanted, self.entries[wanted]
        base = posixpath.basename(wanted)
        matches = [name for name in self.entries if posixpath.basename(name) == base]
        if len(matches) == 1:
            return matches[0], self.entries[matches[0]]
        return None

    def project_files(self) -> list[str]:
        return sorted(name for name in self.entries if name.lower().endswith(PROJECT_SUFFIXES)
                      and not posixpath.basename(name).startswith("."))


def normalise_reference(path: str) -> str:
    """A project file's media path as an archive name: forward slashes, no leading ./ or file:// scheme."""
    text = path.strip().replace("\\", "/")
    if text.lower().startswith("file://"):
        text = re.sub(r"^file://(localhost)?", "", text, flags=re.IGNORECASE)
    text = unquote(text)
    text = posixpath.normpath(text) if text else text
    while text.startswith("./"):
        text = text[2:]
    return text.lstrip("/") if text.startswith("/") else text


def extract_archive(upload: BinaryIO, *, limits: ArchiveLimits | None = None) -> ExtractedArchive:
    """Check and extract the archive; ValidationError on `archive` for anything refused."""
    limits = limits or archive_limits()
    _check_declared_entries(upload, limits)
    try:
        upload.seek(0)
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise refused(f"Not a ZIP archive that can be read ({error}).") from error
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise refused(f"The archive holds {len(infos)} entries; at most {limits.max_entries} are accepted.")
        names = [_checked_name(info) for info in infos]
        files = [name for info, name in zip(infos, names) if not info.is_dir()]
        if len(set(files)) != len(files):
            twice = next(name for name in files if files.count(name) > 1)
            raise refused(f"The archive holds {twice!r} more than once.")
        root = Path(tempfile.mkdtemp(prefix="montage-load-"))
        extracted = ExtractedArchive(root)
        try:
            total = 0
            for index, (info, name) in enumerate(zip(infos, names)):
                if info.is_dir():
                    continue
                suffix = posixpath.splitext(name)[1]
                target = root / f"{index:06d}{suffix if _SAFE_SUFFIX.match(suffix) else ''}"
                total = _extract_entry(archive, info, name, target, total, limits)
                extracted.entries[name] = target
        except BaseException:
            extracted.close()
            raise
    return extracted


def _check_declared_entries(upload: BinaryIO, limits: ArchiveLimits) -> None:
    """Refuse an archive whose end record declares too many entries, before zipfile parses them all."""
    try:
        upload.seek(0)
        end = zipfile._EndRecData(upload)  # noqa: SLF001 - the stdlib's end-record reader, stable since Python 2
    except (AttributeError, OSError, ValueError, EOFError):
        return
    if end is None:
        raise refused("Not a ZIP archive: it has no end-of-central-directory record.")
    declared = end[zipfile._ECD_ENTRIES_TOTAL]  # noqa: SLF001
    if declared > limits.max_entries:
        raise refused(f"The archive holds {declared} entries; at most {limits.max_entries} are accepted.")


def _checked_name(info: zipfile.ZipInfo) -> str:
    raw = info.filename
    shown = raw[:200]
    if "\x00" in raw or not raw.strip():
        raise refused(f"The archive entry {shown!r} has an invalid name.")
    name = raw.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise refused(f"The archive entry {shown!r} has an absolute path; entries must be relative.")
    if ".." in name.split("/"):
        raise refused(f"The archive entry {shown!r} points outside the archive (..).")
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        raise refused(f"The archive entry {shown!r} is a symbolic link; links are not accepted.")
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        raise refused(f"The archive entry {shown!r} is not a regular file or folder.")
    if info.flag_bits & 0x1:
        raise refused(f"The archive entry {shown!r} is encrypted; encrypted archives are not accepted.")
    normal = posixpath.normpath(name)
    while normal.startswith("./"):
        normal = normal[2:]
    return normal


def _extract_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, target: Path, total: int,
                   limits: ArchiveLimits) -> int:
    written = 0
    compressed = max(info.compress_size, 1)
    try:
        with archive.open(info) as source, open(target, "xb") as output:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                total += len(chunk)
                if total > limits.max_total_bytes:
                    raise refused(f"The archive expands to more than {limits.max_total_bytes:,} bytes.")
                if written > info.file_size:
                    raise refused(f"The archive entry {name!r} expands beyond the size its header declares.")
                if written > limits.ratio_floor and written / compressed > limits.max_ratio:
                    raise refused(
                        f"The archive entry {name!r} expands more than {limits.max_ratio:g} times (a ZIP bomb?)."
                    )
                output.write(chunk)
    except ValidationError:
        raise
    except NotImplementedError as error:
        raise refused(f"The archive entry {name!r} uses a compression method that is not supported ({error}).") from error
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError) as error:
        raise refused(f"The archive entry {name!r} is damaged ({error}).") from error
    return total
