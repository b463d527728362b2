"""The owner-scoped base viewset every resource is declared on.

Scoping lives here once: a user's querysets hold only what they own, so
another user's object is a 404 and never appears in a list, and whatever
they create is theirs. Nested routes (`/projects/<id>/files/`) narrow the
same viewset to one of the caller's projects and take the project from the
URL on POST.

Ids in URLs follow `config.api.ids` (ASCII digits, at most 18), so a hostile
id is a 404 on every method before a view sees them.
"""

from django.db import transaction
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from rest_framework import viewsets

from config.api.ids import ID_REGEX


class OwnedQuerysetMixin:
    """Querysets narrowed to the caller's own objects (and to a nested URL's project)."""

    lookup_value_regex = ID_REGEX

    #: set on viewsets that can be nested under a project
    parent_field: str | None = None
    parent_model = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.user.is_authenticated:
            return queryset.none()
        queryset = queryset.filter(owner=self.request.user)
        parent = self.get_parent()
        if parent is not None:
            queryset = queryset.filter(**{self.parent_field: parent})
        return queryset

    def get_parent(self):
        """The project named by a nested URL (404 if it is not the caller's), else None."""
        if "parent_pk" not in self.kwargs or self.parent_model is None:
            return None
        if not hasattr(self, "_parent"):
            self._parent = get_object_or_404(
                self.parent_model.objects.filter(owner=self.request.user), pk=self.kwargs["parent_pk"]
            )
        return self._parent


class OwnedModelViewSet(OwnedQuerysetMixin, viewsets.ModelViewSet):
    """CRUD on the caller's own objects; what they create is theirs."""

    def get_serializer(self, *args, **kwargs):
        parent = self.get_parent()
        data = kwargs.get("data")
        if parent is not None and data is not None:
            # The nested URL names the project; a body that also names one
            # is overridden rather than trusted.
            kwargs["data"] = _with_value(data, self.parent_field, str(parent.pk))
        return super().get_serializer(*args, **kwargs)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save(owner=self.request.user)


class OwnedActionsViewSet(OwnedQuerysetMixin, viewsets.GenericViewSet):
    """Extra actions on the caller's own objects, declared by another app."""

    # Each acts on one object: list filters have nothing to do, and the ordering filter would take
    # the action's serializer fields for the model's (`?ordering=text` was a FieldError, a 500).
    filter_backends = []


def _with_value(data, key: str, value):
    """A shallow copy of request data with one key set.

    QueryDict.copy() deep-copies, which would try to copy uploaded files.
    """
    if isinstance(data, QueryDict):
        copy = QueryDict(mutable=True)
        for name, values in data.lists():
            copy.setlist(name, values)
        copy[key] = value
        return copy
    if not isinstance(data, dict):
        return data  # not an object: let the serializer say so
    copy = dict(data)
    copy[key] = value
    return copy
