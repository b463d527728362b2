"""Version stacks: an asset and the later cuts of it, in order (version 1, 2, …).

A stack is stored on its members: each points to the stack's first asset
(`stack`, the first to itself), knows its place (`stack_version`), and the
last is the head (`is_head`). An asset in no stack is version 1 and its
own head. Comments stay on the version they were made on.

The services take assets the caller may change and already checked; they
raise StackError (a 400 on the named field) for what cannot be stacked.
"""

from __future__ import annotations

import logging

from django.db import transaction

from media_assets.hooks import announce_version_added
from media_assets.catalog.models import Asset

log = logging.getLogger(__name__)


class StackError(ValueError):
    """The stack cannot change so; `field` is the request field to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def stack_of(asset: Asset) -> list[Asset]:
    """The asset's stack in version order (just the asset when it is in none)."""
    if asset.stack_id is None:
        return [asset]
    return list(Asset.objects.filter(stack_id=asset.stack_id).order_by("stack_version", "id"))


def stack_ids(asset: Asset):
    """The ids of the assets in `asset`'s stack, as a queryset (or a one-item list)."""
    if asset.stack_id is None:
        return [asset.pk]
    return Asset.objects.filter(stack_id=asset.stack_id).values("pk")


STACK_FIELDS = ["stack", "stack_version", "is_head", "date_updated"]


def _renumber(members: list[Asset]) -> None:
    """Give the members their places; saved one by one so the history records each change."""
    first = members[0] if len(members) > 1 else None
    for number, member in enumerate(members, start=1):
        place = (first, number, number == len(members)) if first is not None else (None, None, True)
        if (member.stack_id, member.stack_version, member.is_head) == (getattr(first, "pk", None), *place[1:]):
            continue
        member.stack, member.stack_version, member.is_head = place
        member.save(update_fields=STACK_FIELDS)


@transaction.atomic
def version_add(*, asset: Asset, new: Asset) -> list[Asset]:
    """Stack `new` as the next version of `asset`'s stack; the stack, in order."""
    if new.pk == asset.pk:
        raise StackError("asset", "An asset cannot be a version of itself.")
    if new.catalog_id != asset.catalog_id:
        raise StackError("asset", "Only an asset of the same catalog can be a version of this one.")
    members = stack_of(Asset.objects.select_for_update().get(pk=asset.pk))
    if any(member.pk == new.pk for member in members):
        raise StackError("asset", f"Asset {new.pk} is already version {new.version_number} of this stack.")
    if new.stack_id is not None:
        raise StackError("asset", f"Asset {new.pk} is already in another version stack; take it out of that one first.")
    members.append(new)
    _renumber(members)
    log.info("asset %s stacked as version %s of stack %s", new.pk, len(members), members[0].pk)
    announce_version_added(new, stack=members)
    return members


@transaction.atomic
def version_move(*, asset: Asset, member: Asset, position: int) -> list[Asset]:
    """Move `member` of `asset`'s stack to version `position` (1-based); the stack, in order."""
    members = stack_of(asset)
    if member.pk not in {one.pk for one in members}:
        raise StackError("asset", f"Asset {member.pk} is not a version in this stack.")
    if not 1 <= position <= len(members):
        raise StackError("position", f"Give a position from 1 to {len(members)}.")
    members = [one for one in members if one.pk != member.pk]
    members.insert(position - 1, member)
    _renumber(members)
    return members


@transaction.atomic
def version_remove(*, asset: Asset, member: Asset) -> list[Asset]:
    """Take `member` out of `asset`'s stack (it stays an asset, in no stack); the rest, in order."""
    members = stack_of(asset)
    if member.pk not in {one.pk for one in members} or len(members) == 1:
        raise StackError("asset", f"Asset {member.pk} is not a version in this stack.")
    rest = [one for one in members if one.pk != member.pk]
    _renumber([member])
    _renumber(rest)
    log.info("asset %s taken out of stack %s", member.pk, rest[0].pk)
    return rest
