"""Filterset for export lists."""

import django_filters

from config.api.filters import RelatedIdFilter
from exports.models import Export, ExportStatus
from exports.options import DOCUMENTED_EXPORT_TYPES, EXPORT_TYPE_ALIASES


class ExportTypeFilter(django_filters.ChoiceFilter):
    """Any spelling the API accepts on input ("image sequence", "image-sequence" ...)."""

    def __init__(self, **kwargs):
        super().__init__(choices=[(name, name) for name in EXPORT_TYPE_ALIASES], **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(export_type=EXPORT_TYPE_ALIASES[value].value)


class ExportFilter(django_filters.FilterSet):
    project = RelatedIdFilter()
    status = django_filters.ChoiceFilter(choices=ExportStatus.choices)
    export_type = ExportTypeFilter(help_text="One of " + ", ".join(name for name, _ in DOCUMENTED_EXPORT_TYPES) + ".")

    class Meta:
        model = Export
        fields = {"date_created": ["gte", "lte"], "date_updated": ["gte", "lte"]}
