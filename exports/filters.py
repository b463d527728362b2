"""Filterset for export lists."""

import django_filters

from config.api.filters import RelatedIdFilter
from exports.models import Export, ExportStatus, ExportType


class ExportFilter(django_filters.FilterSet):
    project = RelatedIdFilter()
    status = django_filters.ChoiceFilter(choices=ExportStatus.choices)
    export_type = django_filters.ChoiceFilter(choices=ExportType.choices)

    class Meta:
        model = Export
        fields = {"date_created": ["gte", "lte"], "date_updated": ["gte", "lte"]}
