"""How long renders have been waiting: the oldest pending export, for the workers page (config.workers)."""

from datetime import datetime

from django.db.models import Min

from exports.models import Export, ExportStatus


def oldest_pending_render() -> datetime | None:
    """When the longest-waiting pending export was queued (None when nothing waits)."""
    return Export.objects.filter(status=ExportStatus.PENDING).aggregate(oldest=Min("queued_at"))["oldest"]
