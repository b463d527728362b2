from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports and renders"

    def ready(self):
        # Deleting a project deletes the exports' rendered outputs from storage too (after commit).
        from exports.services import export_outputs_of_project
        from projects.services import project_storage_hook

        project_storage_hook(export_outputs_of_project)
