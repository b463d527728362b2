"""The HTTP errors of the catalog API beyond DRF's own: 409 (in use) and 412 (stale If-Match)."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object is in use."
    default_code = "conflict"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The asset changed since you read it (its ETag no longer matches If-Match)."
    default_code = "modified"
