"""Every change to playlists and share links (keyword-only `<noun>_<verb>` services)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sharing.hooks import announce_share_viewed
from sharing.models import Playlist, PlaylistItem, ShareAccess, ShareLink, ShareTarget
from sharing.tokens import token_new

log = logging.getLogger("montage.sharing")


# --- share links -------------------------------------------------------------------------------


def share_link_create(*, owner, target, expires_at: datetime, password: str = "", can_comment: bool = False,
                      can_download: bool = False) -> tuple[ShareLink, str]:
    """A new link to `target` (Asset, Playlist or SmartFolder) and its token, which is never stored."""
    token, digest, prefix = token_new()
    kind = {"asset": ShareTarget.ASSET, "playlist": ShareTarget.PLAYLIST,
            "smartfolder": ShareTarget.SMART_FOLDER}[target._meta.model_name]
    link = ShareLink.objects.create(
        owner=owner, token_hash=digest, token_prefix=prefix, target_type=kind,
        asset=target if kind == ShareTarget.ASSET else None,
        playlist=target if kind == ShareTarget.PLAYLIST else None,
        smart_folder=target if kind == ShareTarget.SMART_FOLDER else None,
        expires_at=expires_at, password=make_password(password) if password else "",
        can_comment=can_comment, can_download=can_download,
    )
    log.info("share link %s (%s…) made by %s for %s %s", link.pk, prefix, owner, kind, target.pk)
    return link, token


def share_link_revoke(*, link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(is_active=False, date_updated=timezone.now())
    link.is_active = False
    log.info("share link %s revoked", link.pk)


def share_view_record(*, link: ShareLink, ip: str | None, guest_name: str = "") -> ShareAccess:
    """Count a guest's view, keep who and when, and announce `share_viewed`."""
    now = timezone.now()
    with transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).update(views=F("views") + 1, last_viewed_at=now)
        access = ShareAccess.objects.create(link=link, time=now, ip=ip or None, guest_name=guest_name[:255])
        announce_share_viewed(link, access=access)
    return access


# --- playlists ---------------------------------------------------------------------------------


def playlist_items_set(*, playlist: Playlist, items: list[dict]) -> None:
    """Replace the playlist's items by `items` ([{"asset", "note"}], in order)."""
    with transaction.atomic():
        PlaylistItem.objects.filter(playlist=playlist).delete()
        PlaylistItem.objects.bulk_create(
            PlaylistItem(playlist=playlist, asset=item["asset"], note=item.get("note", ""), position=index)
            for index, item in enumerate(items))


def playlist_item_add(*, playlist: Playlist, asset, note: str = "", position: int | None = None) -> PlaylistItem:
    """Insert `asset` at `position` (default: the end); later items move down one."""
    with transaction.atomic():
        Playlist.objects.select_for_update().filter(pk=playlist.pk).first()
        count = PlaylistItem.objects.filter(playlist=playlist).count()
        position = count if position is None else min(position, count)
        PlaylistItem.objects.filter(playlist=playlist, position__gte=position).update(position=F("position") + 1)
        return PlaylistItem.objects.create(playlist=playlist, asset=asset, note=note, position=position)


def playlist_item_move(*, playlist: Playlist, item: int, position: int) -> None:
    """Move the item at index `item` to index `position` (both within the list)."""
    with transaction.atomic():
        Playlist.objects.select_for_update().filter(pk=playlist.pk).first()
        ordered = list(PlaylistItem.objects.filter(playlist=playlist).order_by("position"))
        moved = ordered.pop(item)
        ordered.insert(position, moved)
        _renumber(ordered)


def playlist_item_remove(*, playlist: Playlist, item: int) -> None:
    with transaction.atomic():
        Playlist.objects.select_for_update().filter(pk=playlist.pk).first()
        ordered = list(PlaylistItem.objects.filter(playlist=playlist).order_by("position"))
        ordered.pop(item).delete()
        _renumber(ordered)


def _renumber(ordered: list[PlaylistItem]) -> None:
    changed = []
    for index, each in enumerate(ordered):
        if each.position != index:
            each.position = index
            changed.append(each)
    PlaylistItem.objects.bulk_update(changed, ["position"])
