"""The /exports/ resource: render jobs, their outputs, retry and cancel."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.renderers import BinaryRenderer
from config.api.viewsets import OwnedModelViewSet
from exports import services
from exports.api.publish_serializers import PublishSerializer
from exports.api.serializers import ExportCommandSerializer, ExportSerializer
from exports.publishing import export_publish
from exports.storage import export_storage_used
from exports.filters import ExportFilter
from exports.models import Export, ExportStatus
from media_assets.api.asset_serializers import AssetSerializer
from media_assets.api.views import storage_response, storage_schema, stream_media
from media_assets.catalog.access import require_content_writer
from projects.models import Project

STATE_ERROR = OpenApiResponse(ExportCommandSerializer, description="Not allowed in the export's current status")


class ExportViewSet(OwnedModelViewSet):
    """Render jobs. POST queues one (`pending`); poll until `completed` (progress 100.0) or `failed`."""

    queryset = Export.objects.all()
    serializer_class = ExportSerializer
    filterset_class = ExportFilter
    ordering_fields = ["id", "status", "progress", "date_created", "date_updated"]
    parent_field = "project"
    parent_model = Project

    def perform_create(self, serializer):
        serializer.instance = services.export_create(
            owner=self.request.user, validated=serializer.validated_data, base_url=self.request.build_absolute_uri("/"),
        )

    def perform_destroy(self, instance):
        if instance.is_active:
            services.export_cancel(export=instance)
        services.export_delete(export=instance)

    def _command(self, service, message: str):
        export = self.get_object()
        try:
            service(export=export)
        except services.ExportStateError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response({"detail": message})

    @extend_schema(request=None, responses={200: ExportCommandSerializer, 400: STATE_ERROR})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Re-queue a failed export (increments `json.retries`)."""
        return self._command(services.export_retry, "Export re-queued.")

    @extend_schema(request=None, responses={200: ExportCommandSerializer, 400: STATE_ERROR})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Stop a pending or in-progress export; it ends `failed` with the error "cancelled"."""
        return self._command(services.export_cancel, "Export cancelled.")

    @extend_schema(request=PublishSerializer, responses={201: AssetSerializer, 400: STATE_ERROR},
                   description="Publish a completed render for review: its output becomes a File (through the one "
                               "ingest path) and an asset of the catalog, the next version of `version_of` when given.")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        export = self.get_object()
        body = PublishSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        require_content_writer(request.user, data["catalog"])
        try:
            asset = export_publish(export=export, catalog=data["catalog"], user=request.user,
                                   version_of=data.get("version_of"), name=data.get("name"))
        except services.ExportStateError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(AssetSerializer(asset, context={"request": request}).data, status=201)

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.BINARY), 404: OpenApiResponse(description="No output yet")})
    @action(detail=True, methods=["get"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def download(self, request, pk=None):
        """The rendered output's bytes (HTTP Range supported)."""
        export = self.get_object()
        if export.status != ExportStatus.COMPLETED or not export.output:
            raise Http404("This export has no output yet.")
        return stream_media(request, export.output.name, export.output.name.rsplit("/", 1)[-1])

    @storage_schema
    @action(detail=True, methods=["get", "post"])
    def storage(self, request, pk=None):
        """Bytes the rendered output uses: backend `local` (the stored output), `cloud` (its storage folder) or `json`."""
        export = self.get_object()
        return storage_response(request, lambda backend: export_storage_used(export=export, backend=backend))
