"""Routes of the catalog: /catalogs/, /assets/ (with markers), /fields/, /smart-folders/."""

from django.urls import path

from media_assets.api.asset_views import AssetViewSet
from media_assets.api.catalog_views import CatalogViewSet, MetadataFieldViewSet, SmartFolderViewSet
from media_assets.api.marker_views import MarkerViewSet

COLLECTION = {"get": "list", "post": "create"}
ITEM = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}


def register(router) -> None:
    router.register("catalogs", CatalogViewSet, basename="catalog")
    router.register("assets", AssetViewSet, basename="asset")
    router.register("fields", MetadataFieldViewSet, basename="metadatafield")
    router.register("smart-folders", SmartFolderViewSet, basename="smartfolder")


urlpatterns = [
    path("catalogs/<int:parent_pk>/assets/", AssetViewSet.as_view(COLLECTION), name="catalog-assets"),
    path("smart-folders/<int:folder_pk>/assets/", AssetViewSet.as_view({"get": "list"}), name="smartfolder-assets"),
    path("assets/<int:parent_pk>/markers/", MarkerViewSet.as_view(COLLECTION), name="asset-markers"),
    path("assets/<int:parent_pk>/markers/<int:pk>/", MarkerViewSet.as_view(ITEM), name="asset-marker-detail"),
]
