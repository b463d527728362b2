"""The /assets/<id>/markers/ resource: named moments or ranges of an asset."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied

from config.api.pagination import PageOrSkipTakePagination
from config.api.sharing import SharedModelViewSet
from media_assets.api.marker_serializers import MarkerSerializer
from media_assets.catalog import services
from media_assets.catalog.access import ASSET, MARKER, require_content_writer
from media_assets.catalog.models import Asset, Marker


@extend_schema_view(
    list=extend_schema(description="The asset's markers, in timecode order."),
    create=extend_schema(description="Log a marker (a point, or a range with out) inside the asset's in–out."),
    retrieve=extend_schema(description="One marker."),
    update=extend_schema(description="Change a marker; it stays inside the asset's in–out."),
    partial_update=extend_schema(description="Change a marker; it stays inside the asset's in–out."),
    destroy=extend_schema(description="Delete a marker."),
)
class MarkerViewSet(SharedModelViewSet):
    """Markers: named moments or ranges of an asset, with a category, description and colour."""

    queryset = Marker.objects.select_related("asset__catalog", "created_by")
    serializer_class = MarkerSerializer
    sharing = MARKER
    parent_sharing = ASSET
    parent_field = "asset"
    pagination_class = PageOrSkipTakePagination
    filter_backends = []

    def parent_queryset(self):
        return Asset.objects.select_related("catalog")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "parent_pk" in self.kwargs and self.request is not None and self.request.user.is_authenticated:
            context["asset"] = self.get_parent()
        return context

    def check_writable(self, obj) -> None:
        if obj.asset.catalog.read_only:
            raise PermissionDenied(f"Catalog {obj.asset.catalog.name!r} is read-only.")

    def perform_create(self, serializer):
        asset = self.get_parent()
        marker = Marker(asset=asset, created_by=self.request.user, **self._model_fields(serializer.validated_data))
        serializer.instance = services.marker_save(marker=marker)

    def create(self, request, *args, **kwargs):
        asset = self.get_parent()
        require_content_writer(request.user, asset.catalog, role=asset.access_role)
        return super().create(request, *args, **kwargs)

    def perform_update(self, serializer):
        marker = serializer.instance
        for name, value in self._model_fields(serializer.validated_data).items():
            setattr(marker, name, value)
        serializer.instance = services.marker_save(marker=marker)

    def perform_destroy(self, instance):
        services.marker_delete(marker=instance)

    @staticmethod
    def _model_fields(data: dict) -> dict:
        return {key: value for key, value in data.items() if key in
                ("name", "category", "in_frm", "out_frm", "description", "colour")}
