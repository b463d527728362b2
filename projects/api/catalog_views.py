"""/assets/<id>/add-to-project/: a catalog asset placed on one of your project timelines.

The route sits under /assets/ because clients reach it from an asset (the
asset's `actions` name it), but placing makes a Clip, so it is declared
here: the catalog in media_assets knows nothing of projects.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api.fields import OwnedRelatedField
from config.api.sharing import SharedModelViewSet
from media_assets.catalog.access import ASSET
from media_assets.catalog.models import Asset
from projects.api.serializers import ClipSerializer
from projects.catalog_placement import asset_add_to_project
from projects.models import Project


class AddToProjectSerializer(serializers.Serializer):
    project = serializers.CharField(help_text="The project's URL or id (one of yours).")
    position = serializers.FloatField(min_value=0.0, default=0.0, help_text="Where on the timeline, in seconds.")
    layer = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, default=1)
    selection = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="Use in2–out2 (true) or in–out (false); default: the selection when there is one.",
    )

    def validate_project(self, value):
        field = OwnedRelatedField(Project, "project-detail")
        field.bind("project", self)
        return field.to_internal_value(value)


class AssetPlacementViewSet(SharedModelViewSet):
    """The add-to-project action on assets you can read (a viewer may place an asset on their own project)."""

    queryset = Asset.objects.select_related("catalog", "file")
    serializer_class = AddToProjectSerializer
    sharing = ASSET
    read_actions = frozenset({"add_to_project"})
    filter_backends = []  # one asset: no list filters (the ordering filter would take the body's fields for its own)

    @extend_schema(request=AddToProjectSerializer, responses={201: ClipSerializer},
                   description="Place the asset's range (its selection in2–out2 when set) on one of your projects' "
                               "timelines as a clip, in one call, without copying media.")
    @action(detail=True, methods=["post"], url_path="add-to-project")
    def add_to_project(self, request, *args, **kwargs):
        asset = self.get_object()
        body = AddToProjectSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        options = body.validated_data
        clip = asset_add_to_project(
            asset=asset, project=options["project"], user=request.user, position=options["position"],
            layer=options["layer"], selection=options["selection"],
        )
        return Response(ClipSerializer(clip, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)
