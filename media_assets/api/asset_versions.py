"""The /assets/<id>/versions/ resource: an asset's version stack, in order.

`GET` lists the stack (version 1, 2, …); `POST {"asset"}` stacks another
asset of the same catalog as the next version; `POST move/ {"asset",
"position"}` reorders; `DELETE <asset id>/` takes one out (it stays an
asset). Reading needs read access to the asset, changing needs the right
to change what is in its catalog. The stacking rules are in
media_assets.catalog.versions.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from media_assets.api.catalog_fields import SharedRelatedField, fast_url
from media_assets.catalog.access import ASSET, require_content_writer
from media_assets.catalog.models import Asset
from media_assets.catalog.versions import StackError, stack_of, version_add, version_move, version_remove


class VersionSerializer(serializers.Serializer):
    """One version of a stack."""

    url = serializers.URLField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    version_number = serializers.IntegerField()
    is_head = serializers.BooleanField()
    source_export = serializers.URLField(allow_null=True)
    date_created = serializers.DateTimeField()


class VersionAddSerializer(serializers.Serializer):
    asset = SharedRelatedField(Asset, "asset-detail", ASSET, help_text="Another asset of the same catalog.")


class VersionMoveSerializer(VersionAddSerializer):
    position = serializers.IntegerField(min_value=1, help_text="Its new version number (1-based).")


def version_data(request, asset: Asset) -> dict:
    return {
        "url": fast_url(request, "asset-detail", pk=asset.pk), "id": asset.pk, "name": asset.name,
        "version_number": asset.version_number, "is_head": asset.is_head,
        "source_export": fast_url(request, "export-detail", pk=asset.source_export_id)
        if asset.source_export_id is not None else None,
        "date_created": serializers.DateTimeField().to_representation(asset.date_created),
    }


class AssetVersionsViewSet(viewsets.GenericViewSet):
    """An asset's version stack."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = VersionSerializer
    pagination_class = None

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # schema generation
            return Asset.objects.none()
        user = self.request.user
        return ASSET.with_role(ASSET.readable(Asset.objects.select_related("catalog"), user), user)

    def asset(self, *, write: bool) -> Asset:
        asset = get_object_or_404(self.get_queryset(), pk=self.kwargs["parent_pk"])
        if write:
            require_content_writer(self.request.user, asset.catalog, role=asset.access_role)
        return asset

    def answer(self, members, code=status.HTTP_200_OK) -> Response:
        return Response([version_data(self.request, member) for member in members], status=code)

    @staticmethod
    def _stacked(service, **kwargs):
        try:
            return service(**kwargs)
        except StackError as error:
            raise ValidationError({error.field: [str(error)]}) from None

    @extend_schema(responses=VersionSerializer(many=True), description="The stack, version 1 first.")
    def list(self, request, *args, **kwargs):
        return self.answer(stack_of(self.asset(write=False)))

    @extend_schema(request=VersionAddSerializer, responses={201: VersionSerializer(many=True)},
                   description="Stack another asset of the same catalog as the next version; answers the stack.")
    def create(self, request, *args, **kwargs):
        asset = self.asset(write=True)
        body = VersionAddSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        return self.answer(self._stacked(version_add, asset=asset, new=body.validated_data["asset"]),
                           status.HTTP_201_CREATED)

    @extend_schema(request=VersionMoveSerializer, responses=VersionSerializer(many=True),
                   description="Give a version of the stack another place; answers the stack.")
    def move(self, request, *args, **kwargs):
        asset = self.asset(write=True)
        body = VersionMoveSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self.answer(self._stacked(version_move, asset=asset, member=data["asset"], position=data["position"]))

    @extend_schema(request=None, responses={204: None},
                   description="Take a version out of the stack (it stays an asset, in no stack).")
    def destroy(self, request, *args, **kwargs):
        asset = self.asset(write=True)
        member = get_object_or_404(Asset.objects.filter(catalog_id=asset.catalog_id), pk=self.kwargs["pk"])
        self._stacked(version_remove, asset=asset, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
