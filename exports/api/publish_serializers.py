"""The request of POST /exports/<id>/publish/: where the render goes for review."""

from __future__ import annotations

from rest_framework import serializers

from media_assets.api.catalog_fields import SharedRelatedField
from media_assets.catalog.access import ASSET, CATALOG
from media_assets.catalog.models import Asset, Catalog


class PublishSerializer(serializers.Serializer):
    catalog = SharedRelatedField(Catalog, "catalog-detail", CATALOG, help_text="The catalog (its URL or id).")
    version_of = SharedRelatedField(Asset, "asset-detail", ASSET, required=False, allow_null=True,
                                    help_text="An asset of that catalog: the render becomes its stack's next version.")
    name = serializers.CharField(max_length=255, required=False, help_text="The asset's name (default the file's).")

    def validate(self, attrs):
        version_of = attrs.get("version_of")
        if version_of is not None and version_of.catalog_id != attrs["catalog"].pk:
            raise serializers.ValidationError({"version_of": ["That asset is in another catalog."]})
        return attrs
