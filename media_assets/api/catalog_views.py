"""The /catalogs/, /fields/ and /smart-folders/ resources."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter

from config.api.pagination import PageOrSkipTakePagination
from config.api.sharing import AccessRole, SharedModelViewSet
from media_assets.api.asset_errors import Conflict
from media_assets.api.asset_history import history_page_response
from media_assets.api.asset_serializers import HistoryEntrySerializer
from media_assets.api.catalog_serializers import CatalogSerializer, MetadataFieldSerializer, SmartFolderSerializer
from media_assets.catalog import services
from media_assets.catalog.access import CATALOG, SMART_FOLDER, visible_fields
from media_assets.catalog.history import history_entries, sort_newest_first
from media_assets.catalog.models import Catalog, CatalogShare, MetadataField, SmartFolder, SmartFolderShare


class SharedWithGroupsViewSet(SharedModelViewSet):
    """Catalogs and smart folders: listed with the caller's role on each, written with their `shares`."""

    list_actions = frozenset()  # every row shows the caller's role
    pagination_class = PageOrSkipTakePagination
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "name", "date_created", "date_updated"]

    def perform_create(self, serializer):
        self.save_with_shares(serializer, owner=self.request.user)

    def perform_update(self, serializer):
        self.save_with_shares(serializer)

    def save_with_shares(self, serializer, **fields) -> None:
        with transaction.atomic():
            shares = serializer.validated_data.pop("shares", None)
            target = serializer.save(**fields)
            if shares is not None:
                services.shares_set(target=target, shares=shares)
        # read again: the new shares, and the caller's role, for the response
        serializer.instance = self.get_queryset().get(pk=target.pk)


@extend_schema_view(
    list=extend_schema(description="Catalogs you own or that a group of yours shares with you."),
    retrieve=extend_schema(description="One catalog, with its shares and your role in it."),
    create=extend_schema(description="A new catalog, yours; `shares` gives groups viewer or editor access."),
    update=extend_schema(description="Only the owner changes a catalog, its read-only flag and its sharing."),
    partial_update=extend_schema(description="Only the owner changes a catalog, its read-only flag and its sharing."),
    destroy=extend_schema(description="Delete the catalog and everything in it (owner only)."),
)
class CatalogViewSet(SharedWithGroupsViewSet):
    """Catalogs: named collections of assets, shared with groups as viewer or editor."""

    queryset = Catalog.objects.select_related("owner").prefetch_related(
        Prefetch("shares", queryset=CatalogShare.objects.select_related("group"))
    )
    serializer_class = CatalogSerializer
    sharing = CATALOG
    write_roles = frozenset({AccessRole.OWNER})

    def write_denied_message(self, obj, role) -> str:
        return f"Only the owner of catalog {obj.name!r} changes it; you are a {role}."

    @extend_schema(responses={200: HistoryEntrySerializer(many=True)},
                   description="Who created or changed the catalog and its sharing, newest first.")
    @action(detail=True, methods=["get"])
    def history(self, request, *args, **kwargs):
        catalog = self.get_object()
        entries = history_entries(Catalog.history.filter(id=catalog.pk).select_related("history_user"), "catalog")
        entries += history_entries(
            CatalogShare.history.filter(catalog_id=catalog.pk).select_related("history_user", "group"), "share"
        )
        return history_page_response(self, sort_newest_first(entries))


#: ASCII digits, no more than an id holds ('²'.isdigit() is true, but int() refuses it)
_CATALOG_ID = re.compile(r"[0-9]{1,18}")


class StaffWrites(permissions.BasePermission):
    message = "Only staff define metadata fields."

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or bool(request.user and request.user.is_staff)


@extend_schema_view(
    list=extend_schema(
        description="The user fields you can use: global ones and those of catalogs you can read.",
        parameters=[OpenApiParameter("catalog", str, description="A catalog's id (its fields and the global ones), "
                                                                "or 'global' (only global fields).")],
    ),
    retrieve=extend_schema(description="One user field: its identifier, type and options."),
    create=extend_schema(description="Define a typed field (staff): global, or for one catalog."),
    update=extend_schema(description="Change a field (staff); its identifier never changes, nor its type or used options while in use."),
    partial_update=extend_schema(description="Change a field (staff); its identifier never changes, nor its type or used options while in use."),
    destroy=extend_schema(description="Delete a field (staff); 409 while assets have values for it."),
)
class MetadataFieldViewSet(viewsets.ModelViewSet):
    """Typed user fields (text, numbers, dates, yes/no, picklists, URLs) whose values assets carry."""

    serializer_class = MetadataFieldSerializer
    permission_classes = [permissions.IsAuthenticated, StaffWrites]
    pagination_class = PageOrSkipTakePagination
    filter_backends = [OrderingFilter]
    ordering_fields = ["id", "identifier", "name", "date_created"]
    queryset = MetadataField.objects.all()

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return MetadataField.objects.none()
        queryset = MetadataField.objects.all() if user.is_staff else visible_fields(user)
        scope = self.request.query_params.get("catalog")
        if scope == "global":
            queryset = queryset.filter(catalog__isnull=True)
        elif scope:
            if not _CATALOG_ID.fullmatch(scope):
                raise ValidationError({"catalog": [f"Give a catalog id or 'global', not {scope[:40]!r}."]})
            queryset = queryset.filter(Q(catalog_id=int(scope)) | Q(catalog__isnull=True))
        return queryset.order_by("identifier", "id")

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)

    def perform_destroy(self, instance):
        try:
            services.field_delete(field=instance)
        except services.InUse as error:
            raise Conflict(str(error)) from None


@extend_schema_view(
    list=extend_schema(description="Smart folders you own or that a group of yours shares with you."),
    retrieve=extend_schema(description="One smart folder; its assets are at `assets`."),
    create=extend_schema(description="Save a query (filter syntax in `query`, or structured `terms`) as a folder."),
    update=extend_schema(description="Change the folder (owner or editor); only the owner changes its shares."),
    partial_update=extend_schema(description="Change the folder (owner or editor); only the owner changes its shares."),
    destroy=extend_schema(description="Delete the folder (owner only); the assets stay."),
)
class SmartFolderViewSet(SharedWithGroupsViewSet):
    """Smart folders: named, saved queries; their assets are what matches when they are opened."""

    queryset = SmartFolder.objects.select_related("owner").prefetch_related(
        Prefetch("shares", queryset=SmartFolderShare.objects.select_related("group"))
    )
    serializer_class = SmartFolderSerializer
    sharing = SMART_FOLDER

    def perform_create(self, serializer):
        serializer.check_query()
        super().perform_create(serializer)

    def perform_update(self, serializer):
        serializer.check_query()
        if serializer.validated_data.get("shares") is not None and serializer.instance.access_role != AccessRole.OWNER:
            raise PermissionDenied("Only the folder's owner changes who it is shared with.")
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        if instance.access_role != AccessRole.OWNER:
            raise PermissionDenied("Only the folder's owner deletes it.")
        instance.delete()
