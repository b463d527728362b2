"""Filtersets for project, clip and effect lists."""

import django_filters

from config.api.filters import RelatedIdFilter
from projects.models import Clip, Effect, Project


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")
    name__icontains = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Project
        fields = {"width": ["exact"], "height": ["exact"], "date_created": ["gte", "lte"], "date_updated": ["gte", "lte"]}


class ClipFilter(django_filters.FilterSet):
    project = RelatedIdFilter()
    file = RelatedIdFilter()

    class Meta:
        model = Clip
        fields = {"layer": ["exact"], "position": ["gte", "lte"]}


class EffectFilter(django_filters.FilterSet):
    project = RelatedIdFilter()
    type = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Effect
        fields = {"layer": ["exact"], "position": ["gte", "lte"], "title": ["exact", "icontains"]}
