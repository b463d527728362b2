"""Access a shared viewer derived from someone else's media ends with the share.

A catalog viewer who places a shared asset on their own timeline gets a File
row of their project that points at the owner's stored bytes
(projects.catalog_placement); nothing is copied. That row records the file it
was derived from (`File.source`), so:

* deleting the owner's file deletes every row derived from it (the foreign
  key cascades, and the viewer's clips of it go with it); the bytes are then
  deleted too, since no row refers to them
  (media_assets.services.storage_delete_after_commit);
* removing the share, deleting the asset or the catalog, moving the asset
  to another catalog, or taking the viewer out of the shared group runs
  `derived_files_revoke` after commit: every derived row whose owner can no
  longer read an asset showing its source is deleted.

The check is one query over derived rows (those whose owner is not the
source's owner), so it costs nothing where nothing is shared.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from media_assets.catalog.models import Asset, Catalog, CatalogShare
from media_assets.models import File

log = logging.getLogger("montage.catalog")


def derived_files_revoke() -> int:
    """Delete every derived File whose owner can no longer read an asset showing its source; how many."""
    readable = Asset.objects.filter(file=OuterRef("source")).filter(
        Q(catalog__owner=OuterRef("owner")) | Q(catalog__shares__group__user=OuterRef("owner"))
    )
    stale = (File.objects.filter(source__isnull=False).exclude(owner=F("source__owner"))
             .filter(~Exists(readable)))
    count = 0
    for file in stale:
        log.info("file %s of user %s removed: its access to file %s ended", file.pk, file.owner_id, file.source_id)
        file.delete()  # the bytes are the source's and stay with it
        count += 1
    return count


def _after_commit(**_kwargs) -> None:
    transaction.on_commit(derived_files_revoke)


def _asset_saved(sender, instance, created, **kwargs) -> None:
    if not created:  # it may have moved to a catalog the viewer cannot read
        _after_commit()


def _groups_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_remove", "post_clear"):
        _after_commit()


def revocation_connect() -> None:
    """Subscribe to the changes that can end a viewer's access (called from the app's ready())."""
    post_delete.connect(_after_commit, sender=CatalogShare, dispatch_uid="montage-revoke-share")
    post_delete.connect(_after_commit, sender=Asset, dispatch_uid="montage-revoke-asset")
    post_delete.connect(_after_commit, sender=Catalog, dispatch_uid="montage-revoke-catalog")
    post_save.connect(_asset_saved, sender=Asset, dispatch_uid="montage-revoke-asset-moved")
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="montage-revoke-groups")
