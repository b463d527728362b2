"""Editing text-based media in place: /files/<id>/text-replace/.

Only media whose bytes are text can be edited this way; today that is SVG
(title files), the one text format the probe accepts as media (subtitle
and plain-text files are refused at upload). Binary media is a 400.

In an SVG both the search and the replacement are taken as text, not
markup: `&`, `<` and `>` are XML-escaped, so replacing "Title" with
"Q&A <live>" gives a valid title reading exactly that. The edited bytes
are stored as new media (the old bytes are deleted after commit) and
probed again; an edit that breaks the SVG is refused and nothing changes.
The edited size is computed from the count before the text is built, so
an edit that would outgrow the limit costs nothing (10,000 "Q" each
replaced by 100,000 "R" would be a gigabyte).
"""

from __future__ import annotations

import posixpath
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from media_assets.models import File
from media_assets.services import file_update
from media_assets.svg import MAX_SVG_BYTES

#: probe codecs whose media is text, with the largest file text-replace edits
TEXT_CODECS = {"svg": MAX_SVG_BYTES}


def file_text_replace(*, file: File, search: str, replace: str) -> tuple[File, int]:
    """Replace every occurrence of `search`; (the file, how many were replaced)."""
    codec = (file.json or {}).get("vcodec", "")
    if codec not in TEXT_CODECS:
        kind = (file.json or {}).get("media_type") or "binary"
        raise ValidationError({"detail": [
            f"{file.name} is {kind} media, not text; text-replace edits text-based media (SVG titles)."
        ]})
    try:
        size = default_storage.size(file.media.name)
        if size > TEXT_CODECS[codec]:
            raise ValidationError({"detail": [f"{file.name} is larger than text-replace edits ({TEXT_CODECS[codec]} bytes)."]})
        with default_storage.open(file.media.name, "rb") as handle:
            text = handle.read().decode("utf-8")
    except (FileNotFoundError, OSError) as error:
        raise ValidationError({"detail": [f"The media of {file.name} is missing from storage."]}) from error
    except UnicodeDecodeError as error:
        raise ValidationError({"detail": [f"{file.name} is not UTF-8 text."]}) from error
    needle, replacement = escape(search), escape(replace)
    count = text.count(needle)
    if count == 0:
        return file, 0
    limit = TEXT_CODECS[codec]
    edited_size = size + count * (len(replacement.encode("utf-8")) - len(needle.encode("utf-8")))
    if edited_size > limit:
        raise ValidationError({"replace": [
            f"The edited file would be {edited_size:,} bytes, over the limit of {limit:,} bytes "
            f"({count:,} replacements)."
        ]})
    edited = text.replace(needle, replacement).encode("utf-8")
    upload = SimpleUploadedFile(posixpath.basename(file.media.name), edited, content_type="image/svg+xml")
    try:
        return file_update(file=file, upload=upload, client_json=None), count
    except ValidationError as error:
        reasons = error.message_dict.get("media", error.messages) if hasattr(error, "error_dict") else error.messages
        raise ValidationError({"replace": [f"The edited file would not be valid: {'; '.join(reasons)}"]}) from error
