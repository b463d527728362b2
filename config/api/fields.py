"""Serializer fields shared by every resource.

* `JSONObjectField`: OpenShot's `json` attribute. Clients send an object or
  a string holding escaped JSON (form posts can only send strings); it is
  always stored and returned as an object.
* `OwnedRelatedField`: a hyperlinked relation that accepts a URL or a bare
  id, and only resolves objects the requesting user owns, so a foreign
  object is a field error rather than a silent link.
"""

import json
from urllib.parse import urlparse

from django.urls import Resolver404, resolve
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def decode_escaped_json(data, empty):
    """What a client sent for a JSON field: text holding escaped JSON is parsed (blank text is `empty`).

    Anything else is returned as it is; invalid JSON raises ValueError.
    """
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8", errors="replace")
    if isinstance(data, str):
        return json.loads(data) if data.strip() else empty
    return data


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.Field):
    default_error_messages = {
        "invalid_json": "Not valid JSON: {error}.",
        "not_object": "Must be a JSON object (or a string holding one).",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", dict)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            data = decode_escaped_json(data, empty={})
        except ValueError as error:
            self.fail("invalid_json", error=error)
        if not isinstance(data, dict):
            self.fail("not_object")
        return data

    def to_representation(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value or "{}")
            except ValueError:
                return {}
        return value or {}


class OwnedRelatedField(serializers.HyperlinkedRelatedField):
    """A URL (or bare id) naming one of the caller's own objects."""

    default_error_messages = {
        "does_not_exist": "No {model} with id {pk} belongs to you.",
        "incorrect_type": "Give a URL or an id, not {data_type}.",
        "no_match": "Not a URL of a {model}.",
    }

    def __init__(self, model, view_name, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.all())
        super().__init__(view_name=view_name, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None or not request.user.is_authenticated:
            return queryset.none()
        return queryset.filter(owner=request.user)

    def to_internal_value(self, data):
        model_name = self.model._meta.verbose_name
        if isinstance(data, bool) or not isinstance(data, (str, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        pk = self._pk_from(str(data).strip())
        if pk is None:
            self.fail("no_match", model=model_name)
        try:
            return self.get_queryset().get(pk=pk)
        except self.model.DoesNotExist:
            self.fail("does_not_exist", model=model_name, pk=pk)

    def _pk_from(self, text: str) -> int | None:
        if text.isdigit():
            return int(text)
        try:
            match = resolve(urlparse(text).path)
        except Resolver404:
            return None
        if match.view_name != self.view_name:
            return None
        pk = match.kwargs.get("pk")
        return int(pk) if pk is not None and str(pk).isdigit() else None
