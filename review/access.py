"""Who may do what with review notes.

Anyone who may read the asset (its catalog's owner, viewers and editors)
reads its comments, comments, replies and reacts. Only a comment's
author changes its text and drawing; the author, the catalog's owner and
its editors resolve and delete it. The role comes from the catalog, as
for everything in it (media_assets.catalog.access).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from rest_framework.exceptions import PermissionDenied

from config.api.sharing import AccessRole, Sharing
from media_assets.catalog.models import Catalog, CatalogShare
from review.models import Comment, CommentAttachment

COMMENT = Sharing(Comment, Catalog, CatalogShare, "catalog", path="asset__catalog")
ATTACHMENT = Sharing(CommentAttachment, Catalog, CatalogShare, "catalog", path="comment__asset__catalog")


def require_author(user, comment: Comment) -> None:
    """PermissionDenied unless `user` wrote `comment`."""
    if comment.author_id is None or comment.author_id != user.pk:
        raise PermissionDenied("Only the comment's author changes its text and drawing.")


def require_moderator(user, comment: Comment, role: str | None) -> None:
    """PermissionDenied unless `user` wrote `comment` or owns or edits its catalog."""
    if comment.author_id is not None and comment.author_id == user.pk:
        return
    if role not in AccessRole.WRITERS:
        raise PermissionDenied("Only the comment's author and the catalog's owner and editors resolve or delete it.")


def readers_named(catalog: Catalog, usernames: set[str]) -> set[str]:
    """Which of `usernames` may read `catalog` (its owner and the members of groups it is shared with)."""
    if not usernames:
        return set()
    users = get_user_model().objects.filter(username__in=usernames, is_active=True).filter(
        Q(pk=catalog.owner_id) | Q(groups__in=CatalogShare.objects.filter(catalog=catalog).values("group"))
    )
    return set(users.values_list("username", flat=True).distinct())
