"""Who may see and change what in the catalog.

A catalog's owner and the members of the groups it is shared with read it
and everything in it; its owner and editors change its contents; only its
owner changes the catalog itself and its sharing. A read-only catalog's
contents change for nobody. Smart folders are shared the same way.
"""

from __future__ import annotations

from django.db.models import Q
from rest_framework.exceptions import PermissionDenied

from config.api.sharing import AccessRole, Sharing
from media_assets.catalog.models import (
    Asset,
    Catalog,
    CatalogShare,
    Marker,
    MetadataField,
    SmartFolder,
    SmartFolderShare,
)
from media_assets.query.fields import UserFieldDef

CATALOG = Sharing(Catalog, Catalog, CatalogShare, "catalog")
ASSET = Sharing(Asset, Catalog, CatalogShare, "catalog", path="catalog")
MARKER = Sharing(Marker, Catalog, CatalogShare, "catalog", path="asset__catalog")
SMART_FOLDER = Sharing(SmartFolder, SmartFolder, SmartFolderShare, "folder")


def require_content_writer(user, catalog: Catalog, role: str | None = None) -> None:
    """PermissionDenied unless `user` may change what is in `catalog`."""
    role = role or getattr(catalog, "access_role", None) or CATALOG.role_of(catalog, user)
    if role not in AccessRole.WRITERS:
        raise PermissionDenied(f"You can read catalog {catalog.name!r} (as {role}) but not change what is in it.")
    if catalog.read_only:
        raise PermissionDenied(f"Catalog {catalog.name!r} is read-only.")


def visible_fields(user, catalog_id: int | None = None):
    """The metadata fields `user` can use: global ones, and those of one catalog (or every readable one)."""
    scope = Q(catalog_id=catalog_id) if catalog_id is not None else Q(catalog__in=CATALOG.readable_ids(user))
    return MetadataField.objects.filter(Q(catalog__isnull=True) | scope)


def fields_of_catalog(catalog_id: int) -> dict[str, MetadataField]:
    """identifier → field, for the fields an asset of this catalog may have values for."""
    queryset = MetadataField.objects.filter(Q(catalog__isnull=True) | Q(catalog_id=catalog_id))
    return {field.identifier: field for field in queryset}


def user_field_definitions(fields) -> dict[str, list[UserFieldDef]]:
    definitions: dict[str, list[UserFieldDef]] = {}
    for field in fields:
        definitions.setdefault(field.identifier, []).append(
            UserFieldDef(field.identifier, field.type, tuple(field.options or ()))
        )
    return definitions
