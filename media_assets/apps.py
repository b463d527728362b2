from django.apps import AppConfig


class MediaAssetsConfig(AppConfig):
    name = "media_assets"
    verbose_name = "Media assets"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from config.jobs.registry import housekeeping_register
        from media_assets.query.lookups import register_sqlite_functions
        from media_assets.resumable.services import uploads_expire

        # The catalog's regex operator runs a guarded, time-limited function on SQLite.
        connection_created.connect(register_sqlite_functions, dispatch_uid="montage-sqlite-functions")

        from media_assets.hooks import on_file_ingested
        from media_assets.previews.services import previews_on_ingest

        # Every new File gets its previews made in the background (media_assets.previews).
        on_file_ingested(previews_on_ingest)

        from media_assets.revocation import revocation_connect

        revocation_connect()  # a shared viewer's derived files end with their access
        # Unfinished resumable uploads past their expiry are deleted by the job sweeper, in every worker.
        housekeeping_register("expired uploads", uploads_expire)
