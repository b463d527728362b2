"""Serializer fields shared by every resource.

* `JSONObjectField`: OpenShot's `json` attribute. Clients send an object or
  a string holding escaped JSON (form posts can only send strings); it is
  always stored and returned as an object. Every number in it is finite and
  at most 2**53 in size, so the document fits a JSON column and whatever
  reads it later (the renderer does arithmetic on curves) cannot overflow.
  `EscapedJSONField` is its base, for JSON values of other shapes.
* `OwnedRelatedField`: a hyperlinked relation that accepts a URL or a bare
  id, and only resolves objects the requesting user owns, so a foreign
  object is a field error rather than a silent link.
"""

import json
import math
import re
from urllib.parse import urlparse

from django.urls import Resolver404, resolve
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

#: the largest whole number a `json` document may hold: what a double (JavaScript, SQLite's JSON) holds exactly
MAX_JSON_INTEGER = 2**53
#: how deeply a `json` document may nest (OpenShot project files use about ten levels)
MAX_JSON_DEPTH = 64
#: the largest object id there can be (a signed 64-bit primary key)
MAX_OBJECT_ID = 2**63 - 1

_ASCII_DIGITS = re.compile(r"[0-9]+")


class JSONValueError(ValueError):
    """A JSON document holds a value Montage refuses; `path` says where (e.g. `alpha.Points[0].co.Y`)."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


def _refuse_constant(name: str):
    raise JSONValueError("", f"{name} is not a number JSON allows")


def decode_escaped_json(data, empty):
    """What a client sent for a JSON field: text holding escaped JSON is parsed (blank text is `empty`).

    Anything else is returned as it is. Invalid JSON, NaN/Infinity, numbers
    that overflow or exceed MAX_JSON_INTEGER, and nesting beyond
    MAX_JSON_DEPTH raise ValueError (JSONValueError naming where).
    """
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8", errors="replace")
    if isinstance(data, str):
        if not data.strip():
            return empty
        try:
            data = json.loads(data, parse_constant=_refuse_constant)
        except RecursionError:
            raise JSONValueError("", f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    check_json_values(data)
    return data


def check_json_values(document) -> None:
    """Raise JSONValueError if `document` holds a value no JSON column (or later arithmetic) can take."""
    stack = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise JSONValueError(path, f"nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, float):
            if not math.isfinite(value):
                raise JSONValueError(path, "numbers must be finite (no NaN, Infinity or overflowing values)")
        elif isinstance(value, int):
            if abs(value) > MAX_JSON_INTEGER:
                raise JSONValueError(path, "whole numbers must be between -2**53 and 2**53")
        elif isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise JSONValueError(path, "object keys must be strings")
                _check_text(key, path)
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        else:
            raise JSONValueError(path, f"{type(value).__name__} is not a JSON value")


def _check_text(text: str, path: str) -> None:
    # PostgreSQL's jsonb cannot hold NUL, and no database can store a lone surrogate.
    if "\x00" in text:
        raise JSONValueError(path, "text may not contain the NUL character (\\u0000)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise JSONValueError(path, "text holds an unpaired surrogate (not valid Unicode)") from None


def parse_object_id(text: str) -> int | None:
    """The id ASCII digits spell, or None if `text` is not ASCII digits ("²" and "٣" are not ids).

    An id beyond MAX_OBJECT_ID comes back as MAX_OBJECT_ID + 1, which no
    object has and no database column overflows on being asked about.
    """
    text = text.strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_OBJECT_ID)) or int(digits) > MAX_OBJECT_ID:
        return MAX_OBJECT_ID + 1
    return int(digits)


class EscapedJSONField(serializers.Field):
    """A JSON value sent as itself or as text holding escaped JSON; optional, `blank` when absent or blank text.

    Subclasses check the decoded value's shape in `to_internal_value`,
    starting from `self.decoded(data)`.
    """

    #: makes the value that blank text (or a missing field) stands for
    blank = dict
    default_error_messages = {
        "invalid_json": "Not valid JSON: {error}.",
        "invalid_value": "{error}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", self.blank)
        super().__init__(**kwargs)

    def decoded(self, data):
        """`data` with escaped JSON text parsed and its values checked (a field error if refused)."""
        try:
            return decode_escaped_json(data, empty=self.blank())
        except JSONValueError as error:
            self.fail("invalid_value", error=error)
        except ValueError as error:
            self.fail("invalid_json", error=error)

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(EscapedJSONField):
    default_error_messages = {
        "not_object": "Must be a JSON object (or a string holding one).",
    }

    def to_internal_value(self, data):
        data = self.decoded(data)
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
        if isinstance(data, int) and not 0 <= data <= MAX_OBJECT_ID:
            self.fail("does_not_exist", model=model_name, pk=data if abs(data) < 10**24 else "(too large)")
        text = str(data).strip()
        pk = self._pk_from(text)
        if pk is None:
            self.fail("no_match", model=model_name)
        if pk > MAX_OBJECT_ID:
            self.fail("does_not_exist", model=model_name, pk=text if len(text) < 24 else "(too large)")
        try:
            return self.get_queryset().get(pk=pk)
        except self.model.DoesNotExist:
            self.fail("does_not_exist", model=model_name, pk=pk)

    def _pk_from(self, text: str) -> int | None:
        pk = parse_object_id(text)
        if pk is not None:
            return pk
        try:
            match = resolve(urlparse(text).path)
        except (Resolver404, ValueError):  # ValueError: not a URL at all ("http://[x")
            return None
        if match.view_name != self.view_name:
            return None
        pk = match.kwargs.get("pk")
        return parse_object_id(str(pk)) if pk is not None else None
