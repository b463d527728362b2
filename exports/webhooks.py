"""Telling a client's webhook how its export ended.

The export's representation is POSTed (JSON, or a form with
`json["webhook-form-urlencoded"]`) with `json.status` success/failed and
`json.detail`; the answer is kept in `json.webhook` as
"<status>: [<content-type>] <body>". The target goes through the same
guard as media imports: no loopback, private, link-local or metadata
addresses, checked after resolution and on each redirect. A refused or
failing webhook is recorded and never fails the render.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction

from exports.models import Export, ExportStatus
from exports.representation import export_representation
from media_assets.remote import RemoteError, RemoteFailed, RemoteRefused, UrlPolicy, check_url, post

log = logging.getLogger("montage.render")

BODY_LIMIT = 1000  # characters of the webhook's answer kept in json.webhook


class ReceiverRefused(ValueError):
    """A receiver URL the guard refuses; the message says why and what an operator may set."""


def receiver_url_check(url: str, policy: UrlPolicy, *, noun: str = "Webhooks") -> str | None:
    """Judge a webhook or subscription URL when it is given, by the guard its deliveries use.

    Raises ReceiverRefused for a refused address (naming MONTAGE_TRUSTED_NETWORKS);
    answers a warning when the host cannot be resolved now (DNS may answer
    later: every delivery checks the address again), else None.
    """
    try:
        check_url(url, policy)
    except RemoteRefused as error:
        hint = ""
        if error.reason.startswith("the address"):
            hint = (f" {noun} may reach only public addresses; to allow this receiver, add its network to "
                    "MONTAGE_TRUSTED_NETWORKS (e.g. MONTAGE_TRUSTED_NETWORKS=127.0.0.1/32) and restart.")
        raise ReceiverRefused(f"Refused: {error.reason}.{hint}") from None
    except RemoteFailed as error:
        return error.reason
    return None


def webhook_policy() -> UrlPolicy:
    return UrlPolicy(max_bytes=64 * 1024, timeout=settings.WEBHOOK_TIMEOUT,
                     allowed_networks=tuple(settings.MONTAGE_TRUSTED_NETWORKS))


def webhook_payload(export: Export) -> dict:
    """The export as the API shows it (links absolute, for the address the client used), and how it ended."""
    data = export_representation(export)
    data["json"] = {
        **data["json"],
        "status": "success" if export.status == ExportStatus.COMPLETED else "failed",
        "detail": (export.json or {}).get("error", ""),
    }
    return data


def _encode(export: Export, payload: dict) -> tuple[bytes, str]:
    if (export.json or {}).get("webhook-form-urlencoded"):
        fields = {key: json.dumps(value) if isinstance(value, (dict, list)) else ("" if value is None else value)
                  for key, value in payload.items()}
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"
    return json.dumps(payload).encode(), "application/json"


def webhook_notify(*, export: Export) -> str:
    """POST the export to its webhook and record the answer; returns what was recorded."""
    body, content_type = _encode(export, webhook_payload(export))
    try:
        answer = post(export.webhook, body=body, content_type=content_type, policy=webhook_policy())
        recorded = f"{answer.status}: [{answer.content_type or ''}] {answer.text[:BODY_LIMIT]}"
        log.info("export %s webhook answered %s", export.pk, answer.status)
    except RemoteError as error:
        recorded = f"error: [] {error.reason}"
        log.warning("export %s webhook not delivered: %s", export.pk, error.reason)
    with transaction.atomic():
        current = Export.objects.select_for_update().get(pk=export.pk)
        current.json = {**(current.json or {}), "webhook": recorded}
        current.save(update_fields=["json"])
    return recorded
