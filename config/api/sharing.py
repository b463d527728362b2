"""Group sharing: the base viewset of objects that owners share with Django groups.

Where `OwnedModelViewSet` shows a user only what they own, a shared object
(a catalog, a smart folder) is also seen by the members of the groups it
is shared with, each share granting a role: a *viewer* reads, an *editor*
also writes. Objects inside a shared one (a catalog's assets, an asset's
markers) follow their container's sharing: a model declares the path from
itself to the shared object and the same rules apply.

The answers are the ones a careful client expects:

* a non-member never learns the object exists: 404, and it is absent from lists;
* a viewer's write is a 403 that says why;
* what a user may do is computed in the same query that loads the object
  (`access_role` is annotated), so permission checks cost no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass

import re

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.shortcuts import get_object_or_404
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied

from config.api.ids import ID_REGEX
from config.api.viewsets import _with_value

_GROUP_ID = re.compile(f"^{ID_REGEX}$")


class AccessRole:
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"
    WRITERS = frozenset({OWNER, EDITOR})


@dataclass(frozen=True)
class Sharing:
    """How one model reaches the shared object that governs it.

    `path` is the lookup from `model` to the shared object ("" when the
    model is the shared object); the shared model has `owner` and a
    `shares` relation whose rows have `group` and `role`, pointing back
    through `share_field`.
    """

    model: type
    shared_model: type
    share_model: type
    share_field: str
    path: str = ""

    def lookup(self, name: str) -> str:
        return f"{self.path}__{name}" if self.path else name

    def readable_ids(self, user):
        """The ids of shared objects `user` may read, as a subquery."""
        return (
            self.shared_model.objects.filter(Q(owner=user) | Q(shares__group__user=user)).values("pk")
        )

    def readable(self, queryset, user):
        if not user.is_authenticated:
            return queryset.none()
        key = f"{self.path}__in" if self.path else "pk__in"
        return queryset.filter(**{key: self.readable_ids(user)})

    def with_role(self, queryset, user):
        """Annotates `access_role`: owner, editor or viewer (rows are already readable)."""
        editor_share = self.share_model.objects.filter(
            **{self.share_field: OuterRef(self.path or "pk"), "role": AccessRole.EDITOR, "group__user": user}
        )
        return queryset.annotate(
            access_role=Case(
                When(Q(**{self.lookup("owner"): user}), then=Value(AccessRole.OWNER)),
                When(Exists(editor_share), then=Value(AccessRole.EDITOR)),
                default=Value(AccessRole.VIEWER),
                output_field=CharField(),
            )
        )

    def role_of(self, shared_object, user) -> str | None:
        """The role of `user` on one shared object (one query unless they own it)."""
        if shared_object.owner_id == user.pk:
            return AccessRole.OWNER
        roles = set(
            self.share_model.objects.filter(**{self.share_field: shared_object, "group__user": user})
            .values_list("role", flat=True)
        )
        if AccessRole.EDITOR in roles:
            return AccessRole.EDITOR
        return AccessRole.VIEWER if roles else None


def share_group_resolve(*, name: str, user) -> Group | None:
    """The group a share names, by id (ASCII digits) or by name, among those `user` may share with.

    Only the caller's own groups are looked at (staff: every group), so an
    answer never tells whether a group the caller is not in exists, nor its name.
    """
    groups = Group.objects.all() if user is None or user.is_staff else user.groups.all()
    if _GROUP_ID.match(name):
        return groups.filter(pk=int(name)).first()
    return groups.filter(name=name).first()


class SharedObjectPermission(permissions.BasePermission):
    """Reads for every role; writes only for the view's `write_roles`."""

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS or view.action in view.read_actions:
            return True
        role = getattr(obj, "access_role", None)
        if role not in view.write_roles:
            raise PermissionDenied(view.write_denied_message(obj, role))
        view.check_writable(obj)
        return True


class SharedModelViewSet(viewsets.ModelViewSet):
    """CRUD on objects the caller owns or that a group shares with them.

    Declare `sharing` (a `Sharing`), and for nested collections
    (`/catalogs/<parent_pk>/assets/`) `parent_sharing` and `parent_field`.
    `write_roles` says who may change an object; `check_writable` adds
    rules of the container (a read-only catalog).
    """

    sharing: Sharing
    write_roles = AccessRole.WRITERS
    #: actions that list (no per-row role is computed for them)
    list_actions = frozenset({"list"})
    #: unsafe-method actions that only read the object (e.g. copy it into one of your own)
    read_actions = frozenset()
    parent_sharing: Sharing | None = None
    parent_field: str | None = None
    permission_classes = [permissions.IsAuthenticated, SharedObjectPermission]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # schema generation
            return super().get_queryset().none()
        queryset = self.sharing.readable(super().get_queryset(), self.request.user)
        if self.action not in self.list_actions:
            queryset = self.sharing.with_role(queryset, self.request.user)
        parent = self.get_parent()
        if parent is not None:
            queryset = queryset.filter(**{self.parent_field: parent})
        return queryset

    def get_parent(self):
        """The container named by a nested URL (404 unless the caller may read it), else None."""
        if "parent_pk" not in self.kwargs or self.parent_sharing is None:
            return None
        if not hasattr(self, "_parent"):
            sharing, user = self.parent_sharing, self.request.user
            queryset = sharing.with_role(sharing.readable(self.parent_queryset(), user), user)
            self._parent = get_object_or_404(queryset, pk=self.kwargs["parent_pk"])
        return self._parent

    def parent_queryset(self):
        return self.parent_sharing.model.objects.all()

    def get_serializer(self, *args, **kwargs):
        parent = self.get_parent()
        data = kwargs.get("data")
        if parent is not None and data is not None and self.parent_field:
            kwargs["data"] = _with_value(data, self.parent_field, str(parent.pk))
        return super().get_serializer(*args, **kwargs)

    def write_denied_message(self, obj, role) -> str:
        return f"Your role on this {obj._meta.verbose_name} is {role}: you can read it but not change it."

    def check_writable(self, obj) -> None:
        """Raise PermissionDenied when the object may not change whatever the role."""

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()
