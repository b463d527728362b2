"""Who may see and change playlists: a playlist follows its catalog's sharing (media_assets.catalog.access)."""

from config.api.sharing import Sharing
from media_assets.catalog.models import Catalog, CatalogShare
from sharing.models import Playlist

PLAYLIST = Sharing(Playlist, Catalog, CatalogShare, "catalog", path="catalog")
