"""Streaming downloads with HTTP Range support.

Media is never read whole into memory: bytes go out in chunks straight
from the storage backend's file object. A single `Range: bytes=a-b` asks
for a slice (206); a range that cannot be satisfied is a 416.
"""

from __future__ import annotations

import mimetypes
import re
from typing import BinaryIO, Iterator

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK = 512 * 1024
#: ASCII digits only (`\d` takes other scripts' digits); more digits than a
#: size can have mean "beyond any size" without asking int() to parse them.
_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")
_MAX_DIGITS = 18
_INVALID = "invalid"


def _slice(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte of a single satisfiable range; None if unsatisfiable; _INVALID to ignore the header."""
    match = _RANGE.match(header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return _INVALID
    first, last = match.groups()
    if not first:  # suffix range: the last N bytes (more than the size: all of them)
        length = size if len(last) > _MAX_DIGITS else int(last)
        return (max(size - length, 0), size - 1) if length and size else None
    if len(first) > _MAX_DIGITS:
        return None  # starts beyond any size
    first = int(first)
    if last and len(last) <= _MAX_DIGITS and int(last) < first:
        return _INVALID  # last before first: not a valid range
    last = size - 1 if not last or len(last) > _MAX_DIGITS else min(int(last), size - 1)
    return (first, last) if first <= last < size else None


def stream_file(request, handle: BinaryIO, *, size: int, filename: str, content_type: str | None = None,
                as_attachment: bool = True) -> HttpResponse:
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    disposition = content_disposition_header(as_attachment, filename)
    header = request.headers.get("Range", "")
    byte_range = _byte_range(header, size) if header.startswith("bytes=") and "," not in header else _INVALID
    if byte_range is _INVALID:
        response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
        response["Content-Length"] = str(size)
        response["Accept-Ranges"] = "bytes"
        return response
    if byte_range is None:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = byte_range
    response = StreamingHttpResponse(_slice(handle, first, last - first + 1), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    return response
