"""Routes of review: /comments/ on the router; /assets/<id>/comments/ (and its export) and attachments nested.

`/assets/<id>/comments/` is declared here, not in media_assets: a route
string under another app's resource is not an import of it.
"""

from django.urls import path

from config.api.routes import COLLECTION
from review.api.views import CommentAttachmentView, CommentExportView, CommentViewSet


def register(router) -> None:
    router.register("comments", CommentViewSet, basename="comment")


urlpatterns = [
    path("assets/<id:parent_pk>/comments/", CommentViewSet.as_view(COLLECTION), name="asset-comments"),
    path("assets/<id:parent_pk>/comments/export/", CommentExportView.as_view({"get": "export"}),
         name="asset-comments-export"),
    path("comments/<id:pk>/attachments/<id:attachment_pk>/", CommentAttachmentView.as_view({"get": "retrieve"}),
         name="comment-attachment"),
]
