"""Project actions that live in exports: thumbnail and validate (they need the renderer), storage (it
counts the exports' outputs too); and /info/effects/."""

import posixpath

from django.core.files.storage import default_storage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from django.urls import reverse

from config.api.renderers import BinaryRenderer
from config.api.streaming import stream_file
from config.api.viewsets import OwnedActionsViewSet
from exports import previews
from exports.checks import validation_report
from exports.renderer import effect_catalog
from exports.storage import project_storage_used
from media_assets.api.serializers import StorageRequestSerializer, ThumbnailSerializer
from media_assets.api.views import storage_response, storage_schema
from projects.models import Project

PROBLEM = inline_serializer("ValidationProblem", {
    "object": serializers.CharField(), "field": serializers.CharField(), "detail": serializers.CharField(),
})
REPORT = inline_serializer("ValidationReport", {
    "valid": serializers.BooleanField(), "detail": serializers.CharField(),
    "errors": PROBLEM.__class__(many=True), "warnings": PROBLEM.__class__(many=True),
})


class ProjectRenderActions(OwnedActionsViewSet):
    queryset = Project.objects.all()

    def get_serializer_class(self):
        return ThumbnailSerializer if self.action == "thumbnail" else serializers.Serializer

    @extend_schema(
        parameters=[ThumbnailSerializer], request=ThumbnailSerializer,
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 400: OpenApiResponse(description="Bad parameters or empty project"),
                   503: OpenApiResponse(description="The frame took too long to render")},
    )
    @action(detail=True, methods=["get", "post"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def thumbnail(self, request, pk=None):
        """One frame of the timeline as an image (frame_number, width, height, image_format, image_quality)."""
        project = self.get_object()
        params = ThumbnailSerializer(data=request.data if request.method == "POST" else request.query_params)
        params.is_valid(raise_exception=True)
        options = dict(params.validated_data)
        options["image_format"] = {"JPEG": "jpg"}.get(options["image_format"], options["image_format"].lower())
        try:
            name, mime = previews.project_thumbnail(project=project, params=options)
        except previews.PreviewTimedOut as error:
            return Response({"detail": str(error)}, status=503, headers={"Retry-After": "5"})
        except previews.PreviewUnavailable as error:
            raise ValidationError({"detail": str(error)}) from None
        try:
            handle, size = default_storage.open(name, "rb"), default_storage.size(name)
        except (FileNotFoundError, OSError):  # pruned between the worker storing it and this read: rare
            return Response({"detail": "The frame is being replaced; try again shortly."}, status=503,
                            headers={"Retry-After": "1"})
        return stream_file(request, handle, size=size, filename=posixpath.basename(name), content_type=mime,
                           as_attachment=False)

    @extend_schema(request=None, responses={200: REPORT})
    @action(detail=True, methods=["get", "post"])
    def validate(self, request, pk=None):
        """Missing media, clips past the end of their file, an empty timeline, unknown effects ..."""
        return Response(validation_report(self.get_object()))


class ProjectStorageActions(OwnedActionsViewSet):
    queryset = Project.objects.all()
    serializer_class = StorageRequestSerializer

    @storage_schema
    @action(detail=True, methods=["get", "post"])
    def storage(self, request, pk=None):
        """Bytes the project's files and export outputs use: backend `local`, `cloud` (their storage folders) or `json`."""
        project = self.get_object()
        return storage_response(request, lambda backend: project_storage_used(project=project, backend=backend))


class InfoView(APIView):
    """/info/: what this server offers (effects, fonts)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response({name: request.build_absolute_uri(reverse(f"info-{name}")) for name in ("effects", "fonts")})


class EffectsInfoView(APIView):
    """/info/effects/: every effect the renderer supports, with its properties, types, defaults and ranges."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(effect_catalog())
