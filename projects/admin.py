"""Admin for projects, clips and effects."""

from django.contrib import admin

from projects.models import Clip, Effect, Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "owner", "width", "height", "fps_num", "fps_den", "date_updated"]
    list_filter = ["owner", "video_format", "date_created"]
    search_fields = ["name", "owner__username"]
    readonly_fields = ["owner", "date_created", "date_updated"]
    list_select_related = ["owner"]


@admin.register(Clip)
class ClipAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "file", "position", "start", "end", "layer", "owner"]
    list_filter = ["layer", "owner"]
    search_fields = ["project__name", "file__media", "owner__username"]
    readonly_fields = ["owner", "date_created", "date_updated"]
    list_select_related = ["project", "file", "owner"]
    raw_id_fields = ["project", "file"]


@admin.register(Effect)
class EffectAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "type", "project", "position", "start", "end", "layer", "owner"]
    list_filter = ["type", "layer", "owner"]
    search_fields = ["title", "type", "project__name", "owner__username"]
    readonly_fields = ["owner", "date_created", "date_updated"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project"]
