"""The base serializer of owned, hyperlinked objects."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import JSONObjectField


class OwnedSerializer(serializers.HyperlinkedModelSerializer):
    """`url`, `id`, `actions`, `json`, `date_created`, `date_updated` for every resource.

    Subclasses set `basename` (the route name) and `action_names` (their
    action URL names) so `actions` lists the object's action endpoints.
    """

    basename: str = ""
    action_names: list[str] = []
    id = serializers.IntegerField(read_only=True)
    json = JSONObjectField()
    actions = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_actions(self, instance) -> list[str]:
        request = self.context.get("request")
        urls = []
        for name in self.action_names:
            try:
                path = reverse(f"{self.basename}-{name}", args=[instance.pk])
            except NoReverseMatch:
                continue
            urls.append(request.build_absolute_uri(path) if request else path)
        return urls
