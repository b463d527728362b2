"""Request bodies of the asset actions: bulk changes and search.

(Placing an asset on a project timeline is the projects app's: projects/api/catalog_views.py.)
"""

from __future__ import annotations

from rest_framework import serializers

#: the largest id a row can have (BigAutoField); a larger one is no asset, and SQLite cannot even compare it
MAX_ID = 2**63 - 1


class AssetBulkItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    version = serializers.IntegerField(required=False, help_text="Optimistic lock: the version you last saw.")


class AssetBulkPatchSerializer(serializers.Serializer):
    """Either `assets` (partial assets with ids) or `ids` plus one `changes` for them all."""

    assets = serializers.ListField(child=serializers.DictField(), required=False, max_length=1000)
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=1000)
    changes = serializers.DictField(required=False)

    def validate(self, attrs):
        if "assets" in attrs:
            if "ids" in attrs or "changes" in attrs:
                raise serializers.ValidationError({"assets": ["Give either assets, or ids with changes."]})
            rows = []
            for index, row in enumerate(attrs["assets"]):
                head = AssetBulkItemSerializer(data=row)
                if not head.is_valid():
                    raise serializers.ValidationError({"assets": {str(index): head.errors}})
                rows.append((head.validated_data["id"], head.validated_data.get("version"),
                             {key: value for key, value in row.items() if key not in ("id", "version")}))
        elif "ids" in attrs and "changes" in attrs:
            rows = [(pk, None, dict(attrs["changes"])) for pk in attrs["ids"]]
        else:
            raise serializers.ValidationError({"assets": ["Give assets (each with its id), or ids with changes."]})
        if not rows:
            raise serializers.ValidationError({"assets": ["Nothing to change."]})
        ids = [pk for pk, _, _ in rows]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"ids": ["An asset is listed twice."]})
        return rows


class SearchSerializer(serializers.Serializer):
    """A structured query (CatDV QueryDefinition) or the filter syntax."""

    name = serializers.CharField(required=False, allow_blank=True)
    terms = serializers.ListField(child=serializers.JSONField(), required=False)
    query = serializers.CharField(required=False, help_text="CatDV filter syntax.")

    def validate(self, attrs):
        if ("terms" in attrs) == ("query" in attrs):
            raise serializers.ValidationError({"terms": ["Give terms (the structured form) or query (the filter syntax)."]})
        return attrs
