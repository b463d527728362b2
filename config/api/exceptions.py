"""Turns the errors a client can cause into 4xx answers with clear messages.

DRF already answers its own exceptions. Django's ValidationError (raised by
model `clean()` and services) becomes a 400 with field errors; a missing or
foreign object is a 404. Anything else is a bug and stays a 500, so it is
seen rather than hidden.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
