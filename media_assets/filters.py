"""Filterset for file lists."""

import django_filters
from django import forms

from config.api.filters import RelatedIdFilter
from media_assets.hashing import sha256_valid
from media_assets.models import File


class Sha256Field(forms.CharField):
    """A SHA-256 digest: 64 hex digits (either case), answered lower-case."""

    def clean(self, value):
        value = super().clean(value)
        if value and not sha256_valid(value):
            raise forms.ValidationError("A SHA-256 is 64 hexadecimal digits.")
        return value.lower() if value else value


class Sha256Filter(django_filters.CharFilter):
    field_class = Sha256Field


class FileFilter(django_filters.FilterSet):
    project = RelatedIdFilter()
    media_type = django_filters.CharFilter(field_name="json__media_type")
    name = django_filters.CharFilter(field_name="media", lookup_expr="icontains", help_text="Part of the file name.")
    sha256 = Sha256Filter(help_text="The SHA-256 of the bytes (64 hex digits): finds the files holding them.")

    class Meta:
        model = File
        fields = {"date_created": ["gte", "lte"]}
