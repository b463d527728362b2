"""Admin for media files."""

from django.contrib import admin

from media_assets.models import File


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = ["id", "__str__", "project", "media_type", "owner", "date_created"]
    list_filter = ["owner", "date_created"]
    search_fields = ["media", "project__name", "owner__username"]
    readonly_fields = ["owner", "media", "json", "date_created", "date_updated"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project"]


# The catalog's admin lives beside its models; importing it registers it.
import media_assets.catalog.admin  # noqa: E402,F401
