"""The /assets/ resource: CatDV's clips.

Lists take `?query=` (CatDV filter syntax), simple filters, `?ordering=`
by any field, `?include=` and `?facets=`; `POST /assets/search/` takes a
structured query. Responses carry an ETag (the asset's version); a PUT,
PATCH or DELETE whose If-Match is stale is a 412 and changes nothing.
`PATCH /assets/bulk/` changes many assets, all or none.

The history the viewset shows is gathered in `asset_history`, its 409 and
412 errors are in `asset_errors`, its serializers in `asset_serializers`
and `asset_requests`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api.fields import JSONObjectField
from config.api.pagination import PageOrSkipTakePagination
from config.api.renderers import BinaryRenderer
from config.api.sharing import SharedModelViewSet
from config.api.viewsets import _with_value
from config.api.streaming import stream_file
from media_assets import imports
from media_assets import services as media_services
from media_assets.api.asset_errors import Conflict, PreconditionFailed
from media_assets.api.asset_history import history_by_asset, history_of_asset, history_page_response
from media_assets.api.asset_requests import AssetBulkPatchSerializer, SearchSerializer
from media_assets.api.asset_serializers import AssetSerializer, HistoryEntrySerializer
from media_assets.api.preview_views import PreviewActionsMixin
from media_assets.api.serializers import ThumbnailSerializer
from media_assets.api.views import stream_media
from media_assets.catalog import services
from media_assets.catalog.access import ASSET, CATALOG, SMART_FOLDER, require_content_writer
from media_assets.catalog.listing import (
    DETAIL_INCLUDES,
    AssetQueryFilter,
    facets,
    includes,
    parse_or_400,
    query_error,
    with_includes,
)
from media_assets.catalog.models import Asset, SmartFolder
from media_assets.file_thumbnails import file_thumbnail
from media_assets.query import QueryError, parse_terms


class AssetPagination(PageOrSkipTakePagination):
    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["facets"] = {
            "type": "object", "description": "With ?facets=: {field: [{value, count}]} over the whole query.",
            "additionalProperties": {"type": "array", "items": {"type": "object"}},
        }
        return response


def _without(data, key: str):
    """Request data without one key (a QueryDict is copied without deep-copying uploads)."""
    if isinstance(data, dict):
        return {name: value for name, value in data.items() if name != key}
    copy = type(data)(mutable=True)
    for name, values in data.lists():
        if name != key:
            copy.setlist(name, values)
    return copy


def etag_matches(header: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


@extend_schema_view(
    list=extend_schema(
        description="Assets of every catalog you can read (or of one, nested under /catalogs/<id>/).",
        parameters=[OpenApiParameter("head", bool, description="true: one asset per version stack (its head).")],
    ),
    create=extend_schema(
        description="A new asset. Upload `media` (multipart) to ingest its file in the same step, or name one of your "
                    "`file`s, or a `source` asset for a subclip, or give `seq_items` for a sequence. Bytes an asset of the "
                    "catalog already holds (same SHA-256) make an asset whose `duplicate_of` names it; with "
                    "`dedupe=true` (field or query) nothing is made and that asset is answered with 200.",
        request={"application/json": AssetSerializer, "multipart/form-data": AssetSerializer},
    ),
    retrieve=extend_schema(description="One asset, with markers, user fields and sequence items (see ?include=)."),
    update=extend_schema(description="Replace an asset's fields. A stale If-Match is a 412."),
    partial_update=extend_schema(description="Change some of an asset's fields. A stale If-Match is a 412."),
    destroy=extend_schema(description="Delete an asset (409 while a sequence uses it). A stale If-Match is a 412."),
    preview=extend_schema(operation_id="assets_preview_retrieve"),
)
class AssetViewSet(PreviewActionsMixin, SharedModelViewSet):
    """Catalog entries: clips, subclips, stills, audio, sequences…, with timecodes, markers and user fields."""

    queryset = Asset.objects.all()
    serializer_class = AssetSerializer
    sharing = ASSET
    parent_sharing = CATALOG
    parent_field = "catalog"
    filter_backends = [AssetQueryFilter]
    pagination_class = AssetPagination
    list_actions = frozenset({"list", "search"})
    read_actions = frozenset({"search"})
    preview_basename = "asset"

    def preview_file(self, asset):
        return asset.file

    # -- what is loaded -------------------------------------------------------------

    def include_set(self) -> set[str]:
        if self.action in ("list", "search"):
            return includes(self.request, detail=False)
        if self.action == "retrieve":
            return includes(self.request, detail=True)
        return set(DETAIL_INCLUDES)

    def get_queryset(self):
        queryset = super().get_queryset()
        folder = self.get_folder()
        if folder is not None and folder.catalog_id is not None:
            queryset = queryset.filter(catalog_id=folder.catalog_id)
        if self.action not in self.list_actions:
            queryset = queryset.select_related("catalog")
        head = self.request.query_params.get("head") if self.action in self.list_actions else None
        if head is not None:
            if head not in ("true", "false"):
                raise ValidationError({"head": ["Give head=true (one asset per version stack) or head=false."]})
            queryset = queryset.filter(is_head=head == "true")
        return with_includes(queryset, self.include_set())

    def get_folder(self) -> SmartFolder | None:
        if "folder_pk" not in self.kwargs:
            return None
        if not hasattr(self, "_folder"):
            folders = SMART_FOLDER.readable(SmartFolder.objects.all(), self.request.user)
            self._folder = get_object_or_404(folders, pk=self.kwargs["folder_pk"])
        return self._folder

    def query_nodes(self, request):
        """Queries beyond ?query=: the smart folder's, and a POSTed search."""
        nodes = []
        folder = self.get_folder()
        if folder is not None:
            try:
                node = parse_terms(folder.terms) if folder.terms else parse_or_400(folder.query, "smart_folder")
            except QueryError as error:
                raise query_error(error, "smart_folder") from None
            nodes.append((node, "smart_folder"))
        search = getattr(self, "_search", None)
        if search is not None:
            nodes.append(search)
        return nodes

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["include"] = self.include_set() if self.request is not None else None
        context["history"] = getattr(self, "_history", {})
        return context

    def check_writable(self, obj) -> None:
        if obj.catalog.read_only:
            raise PermissionDenied(f"Catalog {obj.catalog.name!r} is read-only.")

    # -- lists ----------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if "history" in self.include_set():
            self._history = history_by_asset(page)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if "facets" in request.query_params:
            response.data["facets"] = facets(request, queryset, count=response.data["count"])
        return response

    @extend_schema(
        request=SearchSerializer, responses={200: AssetSerializer(many=True), 400: OpenApiResponse(description="Bad query")},
        description="Assets matching a structured query (CatDV QueryDefinition terms) or the filter syntax. "
                    "Paging, include, ordering and facets come from the query string as on the list.",
    )
    @action(detail=False, methods=["post"])
    def search(self, request, *args, **kwargs):
        body = SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if "terms" in body.validated_data:
            try:
                self._search = (parse_terms(body.validated_data["terms"]), "terms")
            except QueryError as error:
                raise query_error(error, "terms") from None
        else:
            self._search = (parse_or_400(body.validated_data["query"]), "query")
        return self.list(request)

    # -- one asset ------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        asset = self.get_object()
        if etag_matches(request.headers.get("If-None-Match", ""), asset.etag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            if "history" in self.include_set():
                self._history = {asset.pk: history_of_asset(asset)}
            response = Response(self.get_serializer(asset).data)
        response["ETag"] = asset.etag
        return response

    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):  # a QueryDict is a dict too; a JSON list or scalar is not
            raise ValidationError({"non_field_errors": ["Give the asset as an object of fields."]})
        catalog = self.get_parent() or self._catalog_from_body(request)
        require_content_writer(request.user, catalog, role=catalog.access_role)
        dedupe = _dedupe_wanted(request)
        data = request.data
        imported = self._import(request, data)
        if imported is not None:
            data = _with_value(_without(data, "import_from"), "file", str(imported.pk))
        serializer = self.get_serializer(data=data, context={**self.get_serializer_context(), "catalog": catalog})
        if not serializer.is_valid():
            if imported is not None:
                media_services.file_delete(file=imported)  # the asset is refused, so is what was imported for it
            raise ValidationError(serializer.errors)
        data = serializer.validated_data
        asset, created = services.asset_create(
            catalog=catalog, user=request.user, fields=data["model"], upload=data["upload"], probe=data["probe"],
            seq_items=data["items"], dedupe=dedupe,
        )
        if not created:
            if imported is not None:
                media_services.file_delete(file=imported)  # its bytes are already the existing asset's
            return self._asset_response(asset, status.HTTP_200_OK)
        return self._asset_response(asset, status.HTTP_201_CREATED)

    def _import(self, request, data):
        """The File imported from what `import_from` names (URL, S3, Azure, server path), or None."""
        raw = data.get("import_from")
        if raw in (None, "", {}):
            return None
        field = JSONObjectField()
        try:
            wanted = field.to_internal_value(raw)
        except serializers.ValidationError as error:
            raise ValidationError({"import_from": error.detail}) from None
        if data.get("media") or data.get("file") or data.get("source"):
            raise ValidationError({"import_from": ["Import, upload media, or name a file or source: only one."]})
        try:
            source = imports.import_source(wanted)
            if source is None:
                raise ValidationError({"import_from": ["Say what to import: {url}, {bucket, url} or {container, url}."]})
            return imports.file_import(owner=request.user, project=None, source=source, client_json=wanted)
        except DjangoValidationError as error:
            messages = error.message_dict.get("json", error.messages) if hasattr(error, "error_dict") else error.messages
            raise ValidationError({"import_from": messages}) from None

    def _catalog_from_body(self, request):
        field = AssetSerializer(context=self.get_serializer_context()).fields["catalog"]
        value = request.data.get("catalog")
        if value in (None, ""):
            raise ValidationError({"catalog": ["Name the catalog (its URL or id), or post to /catalogs/<id>/assets/."]})
        try:
            return field.to_internal_value(value)
        except serializers.ValidationError as error:
            raise ValidationError({"catalog": error.detail}) from None

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            asset = self._locked_object()
            serializer = self.get_serializer(asset, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            asset = services.asset_update(asset=asset, fields=data["model"], seq_items=data["items"])
        return self._asset_response(asset, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            asset = self._locked_object()
            try:
                services.asset_delete(asset=asset)
            except services.InUse as error:
                raise Conflict(str(error)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _locked_object(self) -> Asset:
        """The asset, locked for the rest of the transaction, after the permission and If-Match checks."""
        queryset = self.get_queryset().select_for_update(of=("self",))
        asset = get_object_or_404(queryset, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, asset)
        if_match = self.request.headers.get("If-Match")
        if if_match and not etag_matches(if_match, asset.etag):
            raise PreconditionFailed(f"The asset is at {asset.etag}, not {if_match}: read it again, then change it.")
        return asset

    def _asset_response(self, asset: Asset, code: int) -> Response:
        fresh = with_includes(self.sharing.readable(Asset.objects.all(), self.request.user), set(DETAIL_INCLUDES)).get(pk=asset.pk)
        response = Response(self.get_serializer(fresh).data, status=code)
        response["ETag"] = fresh.etag
        return response

    # -- many at once ---------------------------------------------------------------

    @extend_schema(
        request=AssetBulkPatchSerializer,
        responses={200: AssetSerializer(many=True), 400: OpenApiResponse(description="Nothing changed: the errors by asset id"),
                   403: OpenApiResponse(description="Nothing changed: an asset you may not change"),
                   412: OpenApiResponse(description="Nothing changed: an asset's version is stale")},
        description="Change many assets in one request, all or none: {assets: [{id, version?, …fields}]} or "
                    "{ids: [...], changes: {…fields}}.",
    )
    @action(detail=False, methods=["patch"], url_path="bulk")
    def bulk(self, request, *args, **kwargs):
        body = AssetBulkPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = body.validated_data
        user = request.user
        with transaction.atomic():
            queryset = self.sharing.with_role(self.sharing.readable(Asset.objects.all(), user), user)
            queryset = with_includes(queryset.select_related("catalog"), set(DETAIL_INCLUDES)).select_for_update(of=("self",))
            assets = {asset.pk: asset for asset in queryset.filter(pk__in=[pk for pk, _, _ in rows])}
            missing = [pk for pk, _, _ in rows if pk not in assets]
            if missing:
                raise ValidationError({"ids": [f"No asset with id {', '.join(map(str, missing))} is yours or shared with you."]})
            changes, errors = [], {}
            for pk, version, fields in rows:
                asset = assets[pk]
                require_content_writer(user, asset.catalog, role=asset.access_role)
                if version is not None and version != asset.version:
                    raise PreconditionFailed(f"Asset {pk} is at version {asset.version}, not {version}; nothing was changed.")
                serializer = AssetSerializer(asset, data=fields, partial=True, context=self.get_serializer_context())
                if serializer.is_valid():
                    changes.append((asset, serializer.validated_data))
                else:
                    errors[str(pk)] = serializer.errors
            if errors:
                raise ValidationError({"assets": errors})
            for asset, data in changes:
                services.asset_update(asset=asset, fields=data["model"], seq_items=data["items"])
        ids = [pk for pk, _, _ in rows]
        fresh = with_includes(Asset.objects.filter(pk__in=ids), set(DETAIL_INCLUDES))
        return Response({"count": len(ids), "results": self.get_serializer(fresh, many=True).data})

    # -- about one asset --------------------------------------------------------------

    @extend_schema(responses={200: HistoryEntrySerializer(many=True)},
                   description="Who created, changed or deleted the asset, its markers and sequence items, and what "
                               "changed (old → new), newest first.")
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        asset = self.get_object()
        return history_page_response(self, history_of_asset(asset))

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The media's bytes.")})
    @action(detail=True, methods=["get"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def download(self, request, *args, **kwargs):
        """The asset's media file (for everyone who can read the catalog; HTTP Range supported)."""
        asset = self.get_object()
        if asset.file is None:
            raise ValidationError({"file": ["This asset has no media file."]})
        return stream_media(request, asset.file.media.name, asset.file.name)

    @extend_schema(parameters=[ThumbnailSerializer], responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[BinaryRenderer, JSONRenderer])
    def poster(self, request, *args, **kwargs):
        """The poster frame (or the first frame of in–out) as an image; size and format as for file thumbnails."""
        asset = self.get_object()
        if asset.file is None:
            raise ValidationError({"file": ["This asset has no media file to take a poster from."]})
        params = ThumbnailSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        options = params.validated_data
        frame = (asset.poster_frm if asset.poster_frm is not None else asset.in_frm) - asset.media_start_frm + 1
        path, mime = file_thumbnail(
            file=asset.file, frame_number=max(frame, 1), width=options["width"], height=options["height"],
            image_format=options["image_format"], quality=options["image_quality"],
        )
        return stream_file(request, open(path, "rb"), size=path.stat().st_size, filename=path.name,
                           content_type=mime, as_attachment=False)


def _dedupe_wanted(request) -> bool:
    """`dedupe=true` as a form field or in the query: answer an asset already holding the bytes instead."""
    raw = request.data.get("dedupe", request.query_params.get("dedupe", False))
    try:
        return serializers.BooleanField().to_internal_value(raw)
    except serializers.ValidationError as error:
        raise ValidationError({"dedupe": error.detail}) from None
