from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports and renders"

    def ready(self):
        from exports.renderer.effects import EFFECTS
        from config.workers.queues import pending_since_register
        from exports.pending import oldest_pending_render
        from projects.properties import EFFECT_JSON_DEFAULTS

        # Effects' json is answered complete, like clips'; the defaults are the renderer's.
        EFFECT_JSON_DEFAULTS.update({name: spec.json_defaults() for name, spec in EFFECTS.items()})
        # The workers page shows how long the oldest render has waited (config.workers knows no app).
        pending_since_register("renders", oldest_pending_render)
