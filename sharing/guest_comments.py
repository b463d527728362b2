"""The seam where share links meet comments (issue 15 item 1), wired when the `review` app lands.

Two guest features need comments: the public comments shown with each
shared item in `GET /s/<token>/`, and `POST /s/<token>/items/<n>/comments/`.
Comments live in `review`, which sits *below* sharing in the layers
(notifications → sharing → review → exports → …), so sharing may import
it directly once it exists:

    from review.services import comment_create
    from review.models import Comment

    def public_comments(asset) -> list[dict] | None:
        return [...]  # the asset's public comments, as the guest may see them

    def guest_comment_create(*, asset, guest_name, text, frame=None, duration=0, annotation=None):
        return comment_create(asset=asset, guest_name=guest_name, text=text, frame=frame,
                              duration=duration, annotation=annotation, public=True)

Until then `COMMENTS_AVAILABLE` is False: the share JSON answers
`"comments": null` for every item and the guest comment route is not
declared (404), rather than answering something that is not true.
"""

from __future__ import annotations

COMMENTS_AVAILABLE = False


def public_comments(asset) -> list[dict] | None:
    """The asset's public comments for a guest; None while review is not installed."""
    return None
