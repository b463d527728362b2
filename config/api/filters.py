"""Filter pieces shared by the filtersets."""

import re

import django_filters
from rest_framework.exceptions import ValidationError

from config.api.fields import MAX_OBJECT_ID, parse_object_id

_TRAILING_ID = re.compile(r"/([0-9]+)/?$")


class RelatedIdFilter(django_filters.CharFilter):
    """`?project=5` or `?project=http://host/projects/5/`: the related object's id.

    Only ASCII digits are an id ("²" is a 400, not a crash); an id beyond
    what a primary key holds matches nothing.
    """

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        text = str(value).strip()
        match = _TRAILING_ID.search(text)
        pk = parse_object_id(text if match is None else match.group(1))
        if pk is None:
            raise ValidationError({self.field_name: f"Give an id or a URL, not {text[:200]!r}."})
        if pk > MAX_OBJECT_ID:
            return queryset.none()
        return queryset.filter(**{f"{self.field_name}_id": pk})
