"""/uploads/: resumable uploads by the tus 1.0.0 protocol (core, creation, termination, expiration, checksum).

    POST   /uploads/        Upload-Length, Upload-Metadata (filename, project | catalog, json) -> 201 Location
    HEAD   /uploads/<id>/   -> Upload-Offset, Upload-Length, Upload-Expires
    PATCH  /uploads/<id>/   application/offset+octet-stream at Upload-Offset (409 if wrong),
                            optional Upload-Checksum (460 if wrong) -> 204 Upload-Offset
    DELETE /uploads/<id>/   -> 204, the upload and its bytes gone
    GET    /uploads/<id>/   (JSON) -> {"file": url | null, "asset": url | null, offset, length, status, error}
    OPTIONS                 -> the server's Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm

Authenticated like the rest of the API and owner-scoped: another user's
upload is a 404. The last PATCH makes the File (through the one ingest
path) and, when the metadata named a catalog, its asset. No library is
used for the protocol: see docs/decisions.md.
"""

from __future__ import annotations

import json as jsonlib
import posixpath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import get_valid_filename
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.fields import OwnedRelatedField
from media_assets.api.asset_making import catalog_asset_create
from media_assets.api.catalog_fields import fast_url
from media_assets.catalog.access import require_content_writer
from media_assets.catalog.models import Catalog
from media_assets.resumable import services, tus
from media_assets.resumable.models import Upload, UploadStatus
from media_assets.api.serializers import Project


def _tus_headers(response: Response) -> Response:
    response["Tus-Resumable"] = tus.VERSION
    response["Cache-Control"] = "no-store"
    return response


def _tus_error(message: str, code: int, field: str = "detail") -> Response:
    return _tus_headers(Response({field: [message] if field != "detail" else message}, status=code))


class UploadMetadataSerializer(serializers.Serializer):
    """What Upload-Metadata carries: the file's name, where it goes (a project or a catalog of yours), its json."""

    filename = serializers.CharField(max_length=255)
    project = OwnedRelatedField(Project, "project-detail", required=False, allow_null=True)
    catalog = OwnedRelatedField(Catalog, "catalog-detail", required=False, allow_null=True)
    json = serializers.JSONField(required=False)

    def validate_filename(self, value):
        last = posixpath.basename(value.replace("\\", "/")).strip()
        try:
            return get_valid_filename(last)
        except SuspiciousFileOperation:  # "", "." or ".."
            raise serializers.ValidationError("Give the file's name (with its extension), e.g. take.mp4.") from None

    def validate_json(self, value):
        if isinstance(value, str):
            try:
                value = jsonlib.loads(value)
            except ValueError:
                raise serializers.ValidationError("Must be a JSON object.") from None
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return value

    def validate(self, attrs):
        if bool(attrs.get("project")) == bool(attrs.get("catalog")):
            raise serializers.ValidationError({"project": ["Name a project or a catalog of yours (id or URL): one."]})
        return attrs


class TusView(APIView):
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # The writes need the protocol version; reads (HEAD, GET) answer any client, so a missing or foreign
        # upload is a plain 404 whoever asks.
        if request.method in ("POST", "PATCH", "DELETE") and request.headers.get("Tus-Resumable") != tus.VERSION:
            raise _VersionMismatch()

    def handle_exception(self, exc):
        if isinstance(exc, _VersionMismatch):
            response = _tus_error(f"Send Tus-Resumable: {tus.VERSION}.", status.HTTP_412_PRECONDITION_FAILED)
            response["Tus-Version"] = tus.VERSION
            return response
        return _tus_headers(super().handle_exception(exc))

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs):
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Tus-Version"] = tus.VERSION
        response["Tus-Extension"] = tus.EXTENSIONS
        response["Tus-Max-Size"] = str(settings.MONTAGE_MAX_UPLOAD_BYTES)
        response["Tus-Checksum-Algorithm"] = ",".join(tus.CHECKSUM_ALGORITHMS)
        return _tus_headers(response)


class _VersionMismatch(Exception):
    pass


class UploadCreateView(TusView):
    @extend_schema(
        request=None, responses={201: OpenApiResponse(description="Created; Location names the upload."),
                                 400: OpenApiResponse(description="Bad metadata"),
                                 413: OpenApiResponse(description="Over MONTAGE_MAX_UPLOAD_BYTES")},
        description="Create a resumable (tus 1.0.0) upload: Tus-Resumable, Upload-Length, Upload-Metadata "
                    "(base64 pairs: filename, project or catalog, optional json).",
    )
    def post(self, request, *args, **kwargs):
        try:
            length = tus.non_negative(request.headers.get("Upload-Length"), "Upload-Length")
            metadata = tus.metadata_parse(request.headers.get("Upload-Metadata", ""))
        except tus.TusError as error:
            return _tus_error(str(error), status.HTTP_400_BAD_REQUEST)
        if length > settings.MONTAGE_MAX_UPLOAD_BYTES:
            return _tus_error(f"Upload-Length {length} is over this server's limit of "
                              f"{settings.MONTAGE_MAX_UPLOAD_BYTES} bytes.", status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        if length == 0:
            return _tus_error("An empty upload is no media: Upload-Length must be at least 1.", status.HTTP_400_BAD_REQUEST)
        body = UploadMetadataSerializer(data=metadata, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("catalog") is not None:
            require_content_writer(request.user, data["catalog"], role="owner")
        upload = services.upload_create(owner=request.user, filename=data["filename"], length=length,
                                        project=data.get("project"), catalog=data.get("catalog"), json=data.get("json"))
        response = Response(status=status.HTTP_201_CREATED)
        response["Location"] = fast_url(request, "upload-detail", pk=upload.pk)
        response["Upload-Expires"] = tus.expires_header(upload.expires)
        return _tus_headers(response)


class UploadDetailView(TusView):
    def get_object(self) -> Upload:
        upload = get_object_or_404(Upload.objects.filter(owner=self.request.user), pk=self.kwargs["pk"])
        if upload.status == UploadStatus.RECEIVING and upload.expires < timezone.now():
            services.upload_delete(upload=upload)  # expired: gone, whether or not the sweeper came by yet
            raise _Gone()
        return upload

    def handle_exception(self, exc):
        if isinstance(exc, _Gone):
            return _tus_error("The upload expired unfinished and was deleted.", status.HTTP_410_GONE)
        return super().handle_exception(exc)

    @extend_schema(exclude=True)
    def head(self, request, *args, **kwargs):
        upload = self.get_object()
        response = Response(status=status.HTTP_200_OK)
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Length"] = str(upload.length)
        response["Upload-Expires"] = tus.expires_header(upload.expires)
        return _tus_headers(response)

    @extend_schema(
        responses={200: OpenApiResponse(description='{"file": url | null, "asset": url | null, "offset", "length", '
                                                    '"status", "error"}')},
        description="What the upload has become: its File (and asset) once finished.",
    )
    def get(self, request, *args, **kwargs):
        upload = self.get_object()
        return _tus_headers(Response({
            "file": fast_url(request, "file-detail", pk=upload.file_id) if upload.file_id else None,
            "asset": fast_url(request, "asset-detail", pk=upload.asset_id) if upload.asset_id else None,
            "offset": upload.offset, "length": upload.length, "status": upload.status, "error": upload.error or None,
        }))

    @extend_schema(exclude=True)
    def patch(self, request, *args, **kwargs):
        if request.content_type.split(";")[0].strip() != tus.OFFSET_CONTENT_TYPE:
            return _tus_error(f"Send the bytes as Content-Type: {tus.OFFSET_CONTENT_TYPE}.",
                              status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        try:
            offset = tus.non_negative(request.headers.get("Upload-Offset"), "Upload-Offset")
            checksum = tus.checksum_parse(request.headers.get("Upload-Checksum"))
            declared = request.headers.get("Content-Length")
            content_length = tus.non_negative(declared, "Content-Length") if declared else None
        except tus.TusError as error:
            return _tus_error(str(error), status.HTTP_400_BAD_REQUEST)
        upload = self.get_object()
        try:
            upload = services.upload_append(upload=upload, offset=offset, stream=request.stream or _Empty(),
                                            content_length=content_length, checksum=checksum)
        except services.UploadRefused as error:
            return _tus_error(str(error), error.status)
        if upload.offset == upload.length:
            failure = self._finish(request, upload)
            if failure is not None:
                return failure
        response = Response(status=status.HTTP_204_NO_CONTENT)
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Expires"] = tus.expires_header(upload.expires)
        return _tus_headers(response)

    def _finish(self, request, upload: Upload) -> Response | None:
        """Make the File (and the asset); a 400 naming why when the bytes are not usable media."""
        try:
            file = services.upload_finish(upload=upload)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else {"media": error.messages}
            return _tus_headers(Response(detail, status=status.HTTP_400_BAD_REQUEST))
        if upload.catalog_id is not None:
            try:
                asset, _created = catalog_asset_create(file=file, catalog=upload.catalog, user=request.user,
                                                       request=request)
            except ValidationError as error:
                upload.status, upload.error = UploadStatus.FAILED, jsonlib.dumps(error.detail)
                upload.save(update_fields=["status", "error", "date_updated"])
                return _tus_headers(Response(error.detail, status=status.HTTP_400_BAD_REQUEST))
            upload.asset = asset
            upload.save(update_fields=["asset", "date_updated"])
        return None

    @extend_schema(exclude=True)
    def delete(self, request, *args, **kwargs):
        services.upload_delete(upload=self.get_object())
        return _tus_headers(Response(status=status.HTTP_204_NO_CONTENT))


class _Gone(Exception):
    pass


class _Empty:
    def read(self, size=-1) -> bytes:
        return b""
