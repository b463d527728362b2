"""Turns the errors a client can cause into 4xx answers with clear messages.

DRF already answers its own exceptions. Django's ValidationError (raised by
model `clean()` and services) becomes a 400 with field errors; a missing or
foreign object is a 404. Anything else is a bug and stays a 500, so it is
seen rather than hidden.

Answers have one shape: field errors are `{"field": ["…"]}`, and anything
else is `{"detail": "…"}` with `detail` a string, never a list. A URL that
names nothing is a JSON 404 too, except for a browser asking for a page.
"""

import re
import traceback

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


_SURROGATE = re.compile("[\ud800-\udfff]")  # in a Python str, always a lone one


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        # Django says 400 (a SuspiciousOperation); the client needs to know it is the size.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The request body is larger than {limit // (1024 * 1024)} MiB; "
                              "upload media as multipart files, not inside JSON.")
    if isinstance(exc, RecursionError) and _raised_decoding_json(exc):
        # DRF's JSONParser catches only ValueError; a body nested thousands deep exhausts the stack instead.
        exc = exceptions.ParseError("JSON parse error - the document is nested too deeply.")
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _writable(_detail_as_text(response.data))
    return response


def _writable(data):
    """Error messages that echo the client's text (DRF's "not a valid choice") with any lone surrogate, which
    a `\\ud800` escape in a JSON body can carry and no encoder can write, shown as U+FFFD."""
    if isinstance(data, str):
        return data if data.isascii() or not _SURROGATE.search(data) else _SURROGATE.sub("\ufffd", data)
    if isinstance(data, dict):
        return {_writable(key): _writable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_writable(item) for item in data]
    return data


def _raised_decoding_json(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return any(frame.filename.endswith(("json/decoder.py", "json/__init__.py")) for frame in frames)


def _detail_as_text(data):
    """`["a", "b"]` and `{"detail": ["a", "b"]}` become `{"detail": "a b"}`; field errors stay as they are."""
    if _messages(data):
        return {"detail": " ".join(map(str, data))}
    if isinstance(data, dict) and _messages(data.get("detail")):
        return {**data, "detail": " ".join(map(str, data["detail"]))}
    return data


def _messages(value) -> bool:
    """A list of plain messages (not the per-item errors of a list of objects)."""
    return isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)


def not_found(request, exception=None):
    """Django's 404 for URLs no view answers: JSON for API clients, the HTML page for browsers."""
    if "text/html" in request.headers.get("Accept", ""):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found."}, status=404)
