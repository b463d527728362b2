from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports and renders"

    def ready(self):
        from config.workers.queues import pending_since_register
        from exports.pending import oldest_pending_render

        # The workers page shows how long the oldest render has waited (config.workers knows no app).
        pending_since_register("renders", oldest_pending_render)
