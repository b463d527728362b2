"""The /files/ resource: upload, probe, download, thumbnails; and /media/ serving."""

import posixpath

from django.core.files.storage import default_storage
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.renderers import BinaryRenderer
from config.api.streaming import stream_file
from config.api.viewsets import OwnedModelViewSet
from media_assets import services
from media_assets.api.serializers import FileSerializer, ThumbnailSerializer
from media_assets.filters import FileFilter
from media_assets.models import File
from projects.models import Project

BINARY = OpenApiResponse(OpenApiTypes.BINARY, description="The bytes.")


class FileViewSet(OwnedModelViewSet):
    """Media files (video, audio, images). Upload with multipart field `media`; `json` holds the probe."""

    queryset = File.objects.all()
    serializer_class = FileSerializer
    filterset_class = FileFilter
    ordering_fields = ["id", "date_created", "date_updated"]
    parent_field = "project"
    parent_model = Project

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.file_ingest(
            owner=self.request.user, project=data["project"], upload=data["media"], client_json=data.get("json"),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.file_update(
            file=serializer.instance, upload=data.get("media"), client_json=data.get("json"),
        )

    def perform_destroy(self, instance):
        services.file_delete(file=instance)

    @extend_schema(responses={200: BINARY, 404: OpenApiResponse(description="Not yours or missing")})
    @action(detail=True, methods=["get"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def download(self, request, pk=None):
        """The file's bytes, with its content type and name (HTTP Range supported)."""
        file = self.get_object()
        return stream_media(request, file.media.name, file.name)

    @extend_schema(
        parameters=[ThumbnailSerializer],
        request=ThumbnailSerializer,
        responses={(200, "image/jpeg"): OpenApiTypes.BINARY, 400: OpenApiResponse(description="Bad parameters")},
    )
    @action(detail=True, methods=["get", "post"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def thumbnail(self, request, pk=None):
        """One frame as an image: frame 60 (or the last) as a 720p JPEG unless parameters say otherwise."""
        file = self.get_object()
        params = ThumbnailSerializer(data=request.data if request.method == "POST" else request.query_params)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        path, mime = services.file_thumbnail(
            file=file, frame_number=options["frame_number"], width=options["width"], height=options["height"],
            image_format=options["image_format"], quality=options["image_quality"],
        )
        return stream_file(request, open(path, "rb"), size=path.stat().st_size, filename=path.name,
                           content_type=mime, as_attachment=False)


def stream_media(request, name: str, filename: str):
    try:
        handle = default_storage.open(name, "rb")
        size = default_storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404("The media of this object is missing from storage.")
    return stream_file(request, handle, size=size, filename=filename)


class MediaView(APIView):
    """/media/<path>: a stored file, served only to the user who owns it."""

    renderer_classes = [BinaryRenderer, JSONRenderer]

    @extend_schema(exclude=True)
    def get(self, request, path: str):
        name = posixpath.normpath(path)
        if name.startswith(("..", "/")):
            raise Http404
        if not File.objects.filter(owner=request.user, media=name).exists():
            raise Http404
        return stream_media(request, name, posixpath.basename(name))
