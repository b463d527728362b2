"""Worker processes in the admin, with each queue's length and oldest pending job above the list."""

import dramatiq
from django.contrib import admin

from config.workers.models import WorkerProcess
from config.workers.status import workers_status


@admin.register(WorkerProcess)
class WorkerProcessAdmin(admin.ModelAdmin):
    list_display = ["__str__", "live", "queue_names", "threads", "jobs", "started", "last_seen"]
    readonly_fields = ["hostname", "pid", "queues", "threads", "current", "started", "last_seen"]
    change_list_template = "admin/workers/workerprocess/change_list.html"

    def has_add_permission(self, request):
        return False  # rows are written by the workers themselves

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True)
    def live(self, process):
        return process.is_live()

    @admin.display(description="queues")
    def queue_names(self, process):
        return ", ".join(process.queues)

    @admin.display(description="running now")
    def jobs(self, process):
        return "; ".join(f"{job['actor']}{tuple(job['args'])}" for job in process.current) or "-"

    def changelist_view(self, request, extra_context=None):
        status = workers_status(broker=dramatiq.get_broker(), staff=False)
        return super().changelist_view(request, {**(extra_context or {}), "queues": status["queues"]})
