"""Routes of sharing: /playlists/, /share-links/ (the API root lists them) and the guest side /s/…."""

from django.urls import path

from sharing.api.guest_views import GuestCommentView, GuestDownloadView, GuestMediaView, GuestShareView, GuestUnlockView
from sharing.api.views import PlaylistViewSet, ShareLinkViewSet


def register(router) -> None:
    router.register("playlists", PlaylistViewSet, basename="playlist")
    router.register("share-links", ShareLinkViewSet, basename="sharelink")


urlpatterns = [
    path("s/media/<str:signature>/", GuestMediaView.as_view(), name="share-guest-media"),
    path("s/<str:token>/", GuestShareView.as_view(), name="share-guest"),
    path("s/<str:token>/unlock/", GuestUnlockView.as_view(), name="share-guest-unlock"),
    path("s/<str:token>/items/<id:index>/download/", GuestDownloadView.as_view(), name="share-guest-download"),
    path("s/<str:token>/items/<id:index>/comments/", GuestCommentView.as_view(), name="share-guest-comments"),
]
