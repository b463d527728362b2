"""The /files/ resource: upload or import, probe, download, thumbnails, storage; and /media/ serving."""

import posixpath

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.renderers import BinaryRenderer
from config.api.streaming import stream_file
from config.api.viewsets import OwnedModelViewSet
from media_assets import cloud, services
from media_assets.api.actions import FileActionsMixin
from media_assets.api.preview_views import PreviewActionsMixin
from media_assets.api.serializers import (
    FileSerializer,
    Project,
    StorageRequestSerializer,
    StorageResponseSerializer,
    ThumbnailSerializer,
)
from media_assets.file_thumbnails import file_thumbnail
from media_assets.filters import FileFilter
from media_assets.imports import file_import
from media_assets.ingest import file_ingest
from media_assets.models import File
from media_assets.previews.services import with_preview_counts
from media_assets.storage import open_stored, signed_url, storage_used

BINARY = OpenApiResponse(OpenApiTypes.BINARY, description="The bytes.")
SIGNED_REDIRECT = OpenApiResponse(description="S3/Azure storage: Location is a short-lived signed URL of the bytes.")
MEDIA_MISSING = "The media of this object is missing from storage."
STORAGE_ERROR = OpenApiResponse(description="Unknown backend, or `cloud` without cloud storage")
#: the schema of every `storage/` action (files, projects, exports)
storage_schema = extend_schema(parameters=[StorageRequestSerializer], request=StorageRequestSerializer,
                               responses={200: StorageResponseSerializer, 400: STORAGE_ERROR})


def storage_response(request, measure) -> Response:
    """Answer a `storage/` action: the backend from the query (GET) or body (POST), `measure(backend)` the bytes used."""
    params = StorageRequestSerializer(data=request.data if request.method == "POST" else request.query_params)
    params.is_valid(raise_exception=True)
    backend = params.validated_data["backend"]
    return Response(StorageResponseSerializer({"backend": backend, "storage": measure(backend)}).data)


@extend_schema_view(preview=extend_schema(operation_id="files_preview_retrieve"))
class FileViewSet(FileActionsMixin, PreviewActionsMixin, OwnedModelViewSet):
    """Media files (video, audio, images). Upload with multipart field `media`, or import from `json.url`
    (http/https, an S3 key with `json.bucket`, an Azure blob with `json.container`, a server path);
    `json` holds the probe."""

    queryset = File.objects.all()
    serializer_class = FileSerializer
    filterset_class = FileFilter
    ordering_fields = ["id", "date_created", "date_updated"]
    parent_field = "project"
    parent_model = Project
    preview_basename = "file"

    def get_queryset(self):
        return with_preview_counts(super().get_queryset())

    def perform_create(self, serializer):
        data = serializer.validated_data
        if not data.get("media"):
            serializer.instance = file_import(
                owner=self.request.user, project=data["project"], source=data["import_source"],
                client_json=data.get("json") or {},
            )
            return
        serializer.instance = file_ingest(
            source=data["media"], owner=self.request.user, project=data["project"], json=data.get("json"),
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        client_json = cloud.without_secrets(data["json"]) if data.get("json") is not None else None
        serializer.instance = services.file_update(
            file=serializer.instance, upload=data.get("media"), client_json=client_json,
        )

    def perform_destroy(self, instance):
        services.file_delete(file=instance)

    @extend_schema(responses={200: BINARY, 302: SIGNED_REDIRECT, 404: OpenApiResponse(description="Not yours or missing")})
    @action(detail=True, methods=["get"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def download(self, request, pk=None):
        """The file's bytes, with its content type and name (HTTP Range supported); with S3 or Azure storage,
        a redirect to a short-lived signed URL of them."""
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
        try:
            path, mime = file_thumbnail(
                file=file, frame_number=options["frame_number"], width=options["width"], height=options["height"],
                image_format=options["image_format"], quality=options["image_quality"],
            )
        except FileNotFoundError:
            raise Http404(MEDIA_MISSING) from None
        return stream_file(request, open(path, "rb"), size=path.stat().st_size, filename=path.name,
                           content_type=mime, as_attachment=False)

    @storage_schema
    @action(detail=True, methods=["get", "post"])
    def storage(self, request, pk=None):
        """Bytes the file uses: backend `local` (the stored object), `cloud` (its whole storage folder) or `json`."""
        file = self.get_object()
        objects = [(file.media.name, (file.json or {}).get("file_size"))]
        return storage_response(request, lambda backend: storage_used(backend=backend, objects=objects))


def stream_media(request, name: str, filename: str):
    """The stored object `name` as a download (the caller has checked the owner).

    With S3 or Azure storage and MEDIA_DOWNLOAD_REDIRECT, a 302 to a signed
    URL valid for MEDIA_SIGNED_URL_SECONDS: the bytes (and Range requests)
    then go straight from the storage to the client. Otherwise they stream
    through here in chunks.
    """
    try:
        handle, size = open_stored(name)
    except (FileNotFoundError, OSError):
        raise Http404(MEDIA_MISSING)
    url = signed_url(name, filename) if settings.MEDIA_DOWNLOAD_REDIRECT else None
    if url:
        handle.close()
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    return stream_file(request, handle, size=size, filename=filename)


class MediaView(APIView):
    """/media/<path>: a stored file, served only to the user who owns it."""

    renderer_classes = [BinaryRenderer, JSONRenderer]

    @extend_schema(exclude=True)
    def get(self, request, path: str):
        name = posixpath.normpath(path)
        if name.startswith(("..", "/")) or "\x00" in name:  # no stored name holds a NUL (PostgreSQL refuses one)
            raise Http404
        if not File.objects.filter(owner=request.user, media=name).exists():
            raise Http404
        return stream_media(request, name, posixpath.basename(name))
