"""An export as clients see it, built from the row alone (for webhooks, which have no request).

`export_representation` gives the same JSON as `ExportSerializer` answers
on /exports/<id>/ (a test pins them equal), with links made absolute for
the address the client used when it created the export
(`Export.base_url`). The API keeps its serializer; this is the worker's
way to say the same thing without faking a request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from exports.delivery import public_json
from exports.models import Export, ExportStatus
from exports.options import documented_export_type

#: the export's action endpoints, as ExportSerializer.action_names
ACTION_NAMES = ("download", "retry", "cancel", "storage")


def _absolute(base_url: str, path: str) -> str:
    base = urlsplit(base_url or "http://localhost/")
    return f"{base.scheme or 'http'}://{base.netloc or 'localhost'}{path}"


def _bitrate(value) -> int | str:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else text


def _datetime(value) -> str | None:
    """As REST framework writes a datetime (ISO 8601 in the current time zone, UTC as "Z")."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _output(export: Export, base_url: str) -> str | None:
    if export.status != ExportStatus.COMPLETED or not export.output:
        return None
    delivered = (export.json or {}).get("delivered_url")
    return delivered or _absolute(base_url, reverse("export-download", args=[export.pk]))


def _actions(export: Export, base_url: str) -> list[str]:
    urls = []
    for name in ACTION_NAMES:
        try:
            urls.append(_absolute(base_url, reverse(f"export-{name}", args=[export.pk])))
        except NoReverseMatch:
            continue
    return urls


def export_representation(export: Export) -> dict:
    """The export's fields exactly as the API answers them (credentials in its json never shown)."""
    base_url = export.base_url
    return {
        "url": _absolute(base_url, reverse("export-detail", args=[export.pk])),
        "id": export.pk,
        "output": _output(export, base_url),
        "export_type": documented_export_type(export.export_type),
        "video_format": export.video_format,
        "video_codec": export.video_codec,
        "video_bitrate": _bitrate(export.video_bitrate),
        "audio_codec": export.audio_codec,
        "audio_bitrate": _bitrate(export.audio_bitrate),
        "start_frame": export.start_frame,
        "end_frame": export.end_frame,
        "actions": _actions(export, base_url),
        "project": _absolute(base_url, reverse("project-detail", args=[export.project_id])),
        "webhook": export.webhook,
        "json": public_json(export.json or {}),
        "progress": export.progress,
        "status": export.status,
        "date_created": _datetime(export.date_created),
        "date_updated": _datetime(export.date_updated),
    }
