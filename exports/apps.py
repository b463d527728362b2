from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports and renders"

    def ready(self):
        from exports.renderer.effects import EFFECTS
        from projects.properties import EFFECT_JSON_DEFAULTS

        # Effects' json is answered complete, like clips'; the defaults are the renderer's.
        EFFECT_JSON_DEFAULTS.update({name: spec.json_defaults() for name, spec in EFFECTS.items()})

        # Deleting a project deletes the exports' rendered outputs from storage too (after commit).
        from exports.services import export_outputs_of_project
        from projects.services import project_storage_hook

        project_storage_hook(export_outputs_of_project)
