"""Filter pieces shared by the filtersets."""

import re

import django_filters
from rest_framework.exceptions import ValidationError

_TRAILING_ID = re.compile(r"/(\d+)/?$")


class RelatedIdFilter(django_filters.CharFilter):
    """`?project=5` or `?project=http://host/projects/5/`: the related object's id."""

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        text = str(value).strip()
        match = _TRAILING_ID.search(text)
        pk = text if text.isdigit() else match.group(1) if match else None
        if pk is None:
            raise ValidationError({self.field_name: f"Give an id or a URL, not {text!r}."})
        return queryset.filter(**{f"{self.field_name}_id": int(pk)})
