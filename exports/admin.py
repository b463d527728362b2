"""Admin for exports: status, progress and owner at a glance; retry and cancel."""

import json

from django.contrib import admin, messages
from django.utils.html import format_html

from exports import services
from exports.models import Export
from media_assets import cloud


@admin.action(description="Retry the selected failed exports")
def retry_exports(modeladmin, request, queryset):
    _apply(request, queryset, services.export_retry, "re-queued")


@admin.action(description="Cancel the selected pending or running exports")
def cancel_exports(modeladmin, request, queryset):
    _apply(request, queryset, services.export_cancel, "cancelled")


def _apply(request, queryset, service, verb: str) -> None:
    done, refused = 0, []
    for export in queryset:
        try:
            service(export=export)
            done += 1
        except services.ExportStateError as error:
            refused.append(f"#{export.pk}: {error}")
    if done:
        messages.success(request, f"{done} export(s) {verb}.")
    for reason in refused:
        messages.warning(request, reason)


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "export_type", "status", "progress", "render_mode", "owner", "date_created",
                    "date_updated"]
    list_filter = ["status", "export_type", "owner"]
    search_fields = ["project__name", "owner__username", "output"]
    # json is shown without an export's own cloud credentials, and not editable (they would be shown there).
    exclude = ["json"]
    readonly_fields = ["owner", "output", "progress", "status", "render_mode", "smart_reason", "render_speed",
                       "segments_shown", "json_shown", "attempts", "lease_owner",
                       "lease_expires", "queued_at", "started_at", "finished_at", "base_url", "date_created", "date_updated"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project"]
    actions = [retry_exports, cancel_exports]

    @admin.display(description="json")
    def json_shown(self, export: Export) -> str:
        return format_html("<pre>{}</pre>", json.dumps(cloud.without_secrets(export.json), indent=2, sort_keys=True))

    @admin.display(description="render mode")
    def render_mode(self, export: Export) -> str:
        """smart (the sources' frames copied, only those around cuts re-encoded) or full; blank before a render."""
        return (export.json or {}).get("render_mode", "")

    @admin.display(description="why smart or full")
    def smart_reason(self, export: Export) -> str:
        return (export.json or {}).get("smart_reason", "")

    @admin.display(description="speed (× realtime)")
    def render_speed(self, export: Export) -> str:
        speed = (export.json or {}).get("render_speed")
        return f"{speed:g}×" if isinstance(speed, (int, float)) else ""

    @admin.display(description="segments")
    def segments_shown(self, export: Export) -> str:
        """A segment-parallel render: each segment's frames, worker and seconds (json.segment_render)."""
        record = (export.json or {}).get("segment_render") or {}
        if not record:
            return ""
        lines = [f"{record.get('count')} segments ({record.get('phase')}): {record.get('reason', '')}"]
        for part in record.get("segments", []):
            lines.append(f"#{part['index'] + 1} frames {part['first']}–{part['last']} ({part['frames']}): "
                         f"{part['worker']}, {part['seconds']:g} s, {part.get('attempts', 1)} attempt(s)")
        if record.get("audio"):
            lines.append(f"sound: {record['audio']['worker']}, {record['audio']['seconds']:g} s")
        return format_html("<pre>{}</pre>", "\n".join(lines))
