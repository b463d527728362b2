"""Renders published for review: a completed export's output becomes an asset of a catalog.

The output goes through the one ingest path (`file_ingest`, origin
`render`), so it gets what every new File gets (previews, when they
subscribe); then it is cataloged whole (`asset_of_file`) and, given
`version_of`, stacked as the next version of that asset's stack. The
asset keeps the export's id (`Asset.source_export_id`, a plain integer:
media_assets sits below exports and may not point a foreign key up at
it). Publishing the same render twice makes two assets (two versions).
"""

from __future__ import annotations

import logging

from django.db import transaction

from exports.models import Export, ExportStatus
from exports.services.lifecycle import ExportStateError
from media_assets.catalog.models import Asset, Catalog
from media_assets.catalog.services import asset_of_file
from media_assets.catalog.versions import version_add
from media_assets.hooks import IngestOrigin
from media_assets.ingest import StoredMedia, file_ingest

log = logging.getLogger(__name__)


def export_publish(*, export: Export, catalog: Catalog, user, version_of: Asset | None = None,
                   name: str | None = None) -> Asset:
    """The export's output as a new asset of `catalog` (the next version of `version_of` when given).

    The caller checked that `user` may add to the catalog and that
    `version_of` is in it. ExportStateError when there is no output yet.
    """
    if export.status != ExportStatus.COMPLETED or not export.output:
        raise ExportStateError(f"Export {export.pk} is {export.status}: only a completed render can be published.")
    stored_name = export.output.name.rsplit("/", 1)[-1]
    with transaction.atomic():
        file = file_ingest(source=StoredMedia(export.output.name), owner=user, project=None,
                           name=stored_name, origin=IngestOrigin.RENDER)
        asset = asset_of_file(catalog=catalog, user=user, file=file, name=name or stored_name,
                              source_export_id=export.pk)
        if version_of is not None:
            version_add(asset=version_of, new=asset)
            asset.refresh_from_db()
    log.info("export %s published as asset %s in catalog %s%s", export.pk, asset.pk, catalog.pk,
             f" (version {asset.version_number} of {version_of.pk})" if version_of is not None else "")
    return asset
