"""Admin for the catalog: catalogs with their group shares, assets (with their version stacks), markers, fields,
smart folders.

Every model shows its change history (django-simple-history's History
button: who changed what, and when).
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from media_assets.catalog.models import (
    Asset,
    Catalog,
    CatalogShare,
    Marker,
    MetadataField,
    SequenceItem,
    SmartFolder,
    SmartFolderShare,
)


class CatalogShareInline(admin.TabularInline):
    model = CatalogShare
    extra = 1
    autocomplete_fields = ["group"]


@admin.register(Catalog)
class CatalogAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name", "owner", "read_only", "date_created", "date_updated"]
    list_filter = ["read_only", "date_created"]
    search_fields = ["name", "comment", "owner__username"]
    list_select_related = ["owner"]
    inlines = [CatalogShareInline]

    def save_model(self, request, obj, form, change):
        if not change and not obj.owner_id:
            obj.owner = request.user
        super().save_model(request, obj, form, change)


class MarkerInline(admin.TabularInline):
    model = Marker
    extra = 0
    fields = ["name", "category", "in_frm", "out_frm", "colour"]


class VersionInline(admin.TabularInline):
    """The other versions of the asset's stack (read only: the stack changes through the API's versions/)."""

    model = Asset
    fk_name = "stack"
    verbose_name = "version in this stack"
    verbose_name_plural = "versions (on the stack's first asset)"
    extra = 0
    can_delete = False
    fields = ["name", "stack_version", "is_head", "source_export_id"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SequenceItemInline(admin.TabularInline):
    model = SequenceItem
    fk_name = "sequence"
    extra = 0
    raw_id_fields = ["source"]


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name", "type", "catalog", "status", "bin", "tc_format", "stack", "stack_version", "is_head",
                    "date_updated"]
    list_filter = ["type", "tc_format", "is_head", "catalog"]
    search_fields = ["name", "notes", "tape", "clipref", "catalog__name"]
    list_select_related = ["catalog"]
    raw_id_fields = ["catalog", "file", "source"]
    readonly_fields = ["version", "duration_secs", "stack", "stack_version", "is_head", "source_export_id",
                       "created_by", "date_created", "date_updated"]
    inlines = [MarkerInline, SequenceItemInline, VersionInline]


@admin.register(Marker)
class MarkerAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name", "category", "asset", "in_frm", "out_frm"]
    list_filter = ["category"]
    search_fields = ["name", "description", "asset__name"]
    list_select_related = ["asset"]
    raw_id_fields = ["asset"]


@admin.register(MetadataField)
class MetadataFieldAdmin(SimpleHistoryAdmin):
    list_display = ["identifier", "name", "type", "catalog"]
    list_filter = ["type", "catalog"]
    search_fields = ["identifier", "name"]
    list_select_related = ["catalog"]


class SmartFolderShareInline(admin.TabularInline):
    model = SmartFolderShare
    extra = 1
    autocomplete_fields = ["group"]


@admin.register(SmartFolder)
class SmartFolderAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name", "owner", "catalog", "date_updated"]
    search_fields = ["name", "query", "owner__username"]
    list_select_related = ["owner", "catalog"]
    raw_id_fields = ["catalog"]
    inlines = [SmartFolderShareInline]
