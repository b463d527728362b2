"""Jobs in the admin: read-only, to see what the workers are doing and why a job failed."""

from django.contrib import admin

from config.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "target", "status", "progress", "attempts", "lease_owner", "date_created"]
    list_filter = ["kind", "status"]
    search_fields = ["target", "key", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
