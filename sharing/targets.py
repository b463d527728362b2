"""What a share link shows, and who may make one.

A link shows one asset, the assets of one playlist (in its order) or the
assets one smart folder matches when the guest opens it, evaluated as the
link's owner would see them (their readable catalogs, the folder's
catalog if it has one). Items are numbered from 0 in that order; the
guest routes name an item by that number and nothing else.

Only the target's owner and its catalog's editors make links: the asset's
or playlist's catalog owner or editors; a smart folder's owner or editors.
"""

from __future__ import annotations

from config.api.sharing import AccessRole
from media_assets.catalog.access import ASSET, CATALOG, SMART_FOLDER
from media_assets.catalog.listing import LazyUserFields
from media_assets.catalog.models import Asset
from media_assets.query import QueryContext, QueryError, compile_query, parse_query, parse_terms
from sharing.models import PlaylistItem, ShareLink, ShareTarget

#: the most items one link shows (a smart folder can match a whole catalog)
MAX_ITEMS = 500


def target_editable_by(target, user) -> bool:
    """True if `user` may share `target` (an Asset, a Playlist or a SmartFolder)."""
    if target._meta.model_name == "smartfolder":
        return SMART_FOLDER.role_of(target, user) in AccessRole.WRITERS
    return CATALOG.role_of(target.catalog, user) in AccessRole.WRITERS


def link_assets(link: ShareLink) -> list[Asset]:
    """The assets a link shows, in order (at most MAX_ITEMS)."""
    related = ("file",)
    if link.target_type == ShareTarget.ASSET:
        return list(Asset.objects.select_related(*related).filter(pk=link.asset_id))
    if link.target_type == ShareTarget.PLAYLIST:
        items = PlaylistItem.objects.filter(playlist_id=link.playlist_id).select_related("asset__file")
        return [item.asset for item in items.order_by("position")[:MAX_ITEMS]]
    folder = link.smart_folder
    queryset = ASSET.readable(Asset.objects.select_related(*related), link.owner)
    if folder.catalog_id is not None:
        queryset = queryset.filter(catalog_id=folder.catalog_id)
    try:
        node = parse_terms(folder.terms) if folder.terms else parse_query(folder.query) if folder.query else None
        if node is not None:
            context = QueryContext(user_fields=LazyUserFields(link.owner, folder.catalog_id))
            queryset = queryset.filter(compile_query(node, context))
    except QueryError:
        return []  # a folder whose query no longer compiles shows nothing rather than everything
    return list(queryset.order_by("name", "id")[:MAX_ITEMS])
