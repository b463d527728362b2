"""`manage.py exports`: list renders, retry failed ones, cancel pending or running ones."""

from django.core.management.base import BaseCommand, CommandError

from exports.models import Export, ExportStatus
from exports.services import ExportStateError, export_cancel, export_retry

#: the most rows a listing prints (the newest first)
LIST_LIMIT = 50


class Command(BaseCommand):
    help = ("List exports (the newest first; --status to filter), retry a failed one (--retry ID) or all failed ones "
            "(--retry-failed), or cancel a pending or running one (--cancel ID). Retry and cancel are what "
            "POST /exports/<id>/retry/ and /cancel/ do.")

    def add_arguments(self, parser):
        parser.add_argument("--status", choices=ExportStatus.values, help="List only exports in this status.")
        parser.add_argument("--limit", type=int, default=LIST_LIMIT, help=f"How many to list (default {LIST_LIMIT}).")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--retry", type=int, metavar="ID", help="Re-queue the failed export ID.")
        action.add_argument("--retry-failed", action="store_true", help="Re-queue every failed export.")
        action.add_argument("--cancel", type=int, metavar="ID", help="Cancel the pending or in-progress export ID.")

    def handle(self, *args, status=None, limit=LIST_LIMIT, retry=None, retry_failed=False, cancel=None, **options):
        if retry is not None:
            self._apply(export_retry, self._export(retry), "re-queued")
        elif cancel is not None:
            self._apply(export_cancel, self._export(cancel), "cancelled")
        elif retry_failed:
            failed = list(Export.objects.filter(status=ExportStatus.FAILED).order_by("id"))
            for export in failed:
                self._apply(export_retry, export, "re-queued")
            self.stdout.write(f"{len(failed)} failed export(s) re-queued.")
        else:
            self._list(status, limit)

    @staticmethod
    def _export(export_id: int) -> Export:
        try:
            return Export.objects.get(pk=export_id)
        except Export.DoesNotExist:
            raise CommandError(f"No export {export_id}.") from None

    def _apply(self, service, export: Export, verb: str) -> None:
        try:
            service(export=export)
        except ExportStateError as error:
            raise CommandError(f"export {export.pk}: {error}") from None
        self.stdout.write(f"export {export.pk} {verb}")

    def _list(self, status: str | None, limit: int) -> None:
        exports = Export.objects.select_related("project", "owner").order_by("-id")
        if status:
            exports = exports.filter(status=status)
        rows = list(exports[:max(limit, 0)])
        if not rows:
            self.stdout.write("No exports." if not status else f"No {status} exports.")
        for export in rows:
            error = (export.json or {}).get("error")
            self.stdout.write(
                f"{export.pk:>6}  {export.status:<11} {export.progress:5.1f}%  {export.export_type:<14} "
                f"project {export.project_id} ({export.project.name}), owner {export.owner.username}, "
                f"updated {export.date_updated:%Y-%m-%d %H:%M:%S}" + (f": {error}" if error else ""))
