"""Routes of media_assets: /files/ (also nested as /projects/<id>/files/), /media/, the fonts under /info/,
and the catalog: /catalogs/, /assets/ (with markers and version stacks), /fields/, /smart-folders/; /uploads/ (tus).

`register(router)` adds the top-level resources the API root lists; `urlpatterns`
are the nested collections and other routes, included before the router's.
"""

from django.urls import path, re_path

from config.api.routes import COLLECTION, ITEM
from media_assets.api.asset_versions import AssetVersionsViewSet
from media_assets.api.asset_views import AssetViewSet
from media_assets.api.catalog_views import CatalogViewSet, MetadataFieldViewSet, SmartFolderViewSet
from media_assets.api.fonts import FontDetailView, FontsThumbnailView, FontsView
from media_assets.api.marker_views import MarkerViewSet
from media_assets.api.preview_views import sibling_routes
from media_assets.api.upload_views import UploadCreateView, UploadDetailView
from media_assets.api.views import FileViewSet, MediaView


def register(router) -> None:
    router.register("files", FileViewSet, basename="file")
    router.register("catalogs", CatalogViewSet, basename="catalog")
    router.register("assets", AssetViewSet, basename="asset")
    router.register("fields", MetadataFieldViewSet, basename="metadatafield")
    router.register("smart-folders", SmartFolderViewSet, basename="smartfolder")


urlpatterns = [
    path("info/fonts/", FontsView.as_view(), name="info-fonts"),
    path("info/fonts/thumbnail/", FontsThumbnailView.as_view(), name="info-fonts-thumbnail"),
    path("info/fonts/<id:pk>/", FontDetailView.as_view(), name="info-font-detail"),
    # the project's files: a route under /projects/, but the resource is a File (the path names no model)
    path("projects/<id:parent_pk>/files/", FileViewSet.as_view(COLLECTION), name="project-files"),
    path("catalogs/<id:parent_pk>/assets/", AssetViewSet.as_view(COLLECTION), name="catalog-assets"),
    path("smart-folders/<id:folder_pk>/assets/", AssetViewSet.as_view({"get": "list"}), name="smartfolder-assets"),
    path("assets/<id:parent_pk>/markers/", MarkerViewSet.as_view(COLLECTION), name="asset-markers"),
    path("assets/<id:parent_pk>/markers/<id:pk>/", MarkerViewSet.as_view(ITEM), name="asset-marker-detail"),
    path("assets/<id:parent_pk>/versions/", AssetVersionsViewSet.as_view(COLLECTION), name="asset-versions"),
    path("assets/<id:parent_pk>/versions/move/", AssetVersionsViewSet.as_view({"post": "move"}),
         name="asset-versions-move"),
    path("assets/<id:parent_pk>/versions/<id:pk>/", AssetVersionsViewSet.as_view({"delete": "destroy"}),
         name="asset-version-detail"),
    path("uploads/", UploadCreateView.as_view(), name="upload-list"),
    path("uploads/<id:pk>/", UploadDetailView.as_view(), name="upload-detail"),
    re_path(r"^media/(?P<path>.+)$", MediaView.as_view(), name="media"),
    # a sprite track's relative cue URLs (sprite.jpg#xywh=…), resolved against the track's URL
    *sibling_routes("files", FileViewSet, "file"),
    *sibling_routes("assets", AssetViewSet, "asset"),
]
