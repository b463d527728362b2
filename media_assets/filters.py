"""Filterset for file lists."""

import django_filters

from config.api.filters import RelatedIdFilter
from media_assets.models import File


class FileFilter(django_filters.FilterSet):
    project = RelatedIdFilter()
    media_type = django_filters.CharFilter(field_name="json__media_type")
    name = django_filters.CharFilter(field_name="media", lookup_expr="icontains", help_text="Part of the file name.")

    class Meta:
        model = File
        fields = {"date_created": ["gte", "lte"]}
