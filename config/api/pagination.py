"""Page-number pagination with a bounded, client-chosen page size."""

import re

from django.conf import settings
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE


#: skip past this is no page anyone wants; bounding it keeps OFFSET within what every database takes
MAX_SKIP = 2**31 - 1
#: ASCII digits only: str.isdigit() also takes '²', which int() refuses
_WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


class PageOrSkipTakePagination(PageNumberPagination):
    """Pages as everywhere, or CatDV's `skip`/`take`, answered in the same envelope.

    With `skip` (items to pass over) or `take` (items to return, at most the
    maximum page size) the response is still `{count, next, previous,
    results}`, its links carrying skip/take. Bad values are a 400 naming
    the parameter. Lists of plain Python objects (a history) page the same way.
    """

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        self.skip_take = "skip" in params or "take" in params
        if not self.skip_take:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.skip = self._bounded(params, "skip", default=0, low=0, high=MAX_SKIP)
        self.take = self._bounded(params, "take", default=self.get_page_size(request) or self.page_size,
                                  low=1, high=self.max_page_size)
        self.count = len(queryset) if isinstance(queryset, (list, tuple)) else queryset.count()
        return list(queryset[self.skip:self.skip + self.take])

    @staticmethod
    def _bounded(params, name: str, *, default: int, low: int, high: int) -> int:
        raw = params.get(name)
        if raw in (None, ""):
            return default
        text = raw.strip()
        if not _WHOLE_NUMBER.fullmatch(text) or not low <= int(text) <= high:
            raise ValidationError({name: [f"Give a whole number {low}–{high}, not {raw[:40]!r}."]})
        return int(text)

    def get_paginated_response(self, data):
        if not self.skip_take:
            return super().get_paginated_response(data)
        return Response({
            "count": self.count,
            "next": self._link(self.skip + self.take) if self.skip + self.take < self.count else None,
            "previous": self._link(max(self.skip - self.take, 0)) if self.skip > 0 else None,
            "results": data,
        })

    def _link(self, skip: int) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(replace_query_param(url, "skip", skip), "take", self.take)

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {"name": "skip", "required": False, "in": "query",
             "schema": {"type": "integer", "minimum": 0, "maximum": MAX_SKIP},
             "description": "CatDV paging: items to pass over (instead of page)."},
            {"name": "take", "required": False, "in": "query", "schema": {"type": "integer", "minimum": 1},
             "description": "CatDV paging: items to return (at most the maximum page size)."},
        ]
