"""The root URL configuration: the API root, each app's routes, tokens, docs, admin.

Every app declares its own routes in `<app>/api/urls.py`: `register(router)`
adds its top-level resources to the one router whose root view (`GET /`)
lists them all, and `urlpatterns` holds its nested collections
(`/projects/<id>/files/`) and actions declared outside a viewset. Those come
before the router's patterns, so a nested route always wins.

This is the composition root: the one module of the shared layer that names
the apps (tests/test_layers.py allows it and nothing else in config/).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import permissions, routers

from config.api.auth import TokenDetailView, TokenView
from config.api.ids import ID_REGEX
from config.workers.api import WorkersView
from exports.api import urls as exports_urls
from media_assets.api import urls as media_assets_urls
from notifications.api import urls as notifications_urls
from projects.api import urls as projects_urls
from review.api import urls as review_urls
from sharing.api import urls as sharing_urls

#: top-down, so the API root lists projects first
APP_ROUTES = (projects_urls, media_assets_urls, exports_urls, review_urls, sharing_urls, notifications_urls)


class APIRootView(routers.APIRootView):
    """Montage: media asset management and render server (OpenShot Cloud API compatible)."""

    permission_classes = [permissions.AllowAny]


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
    # No `/projects/1.json` twins: `?format=json` and Accept choose the format, and the
    # suffix routes passed `format=` to actions that take no such argument (a 500).
    include_format_suffixes = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._default_value_pattern = ID_REGEX  # `<pk>` is ASCII digits for every viewset, ours or not


router = Router()
for app in APP_ROUTES:
    app.register(router)

admin.site.site_header = "Montage administration"
admin.site.site_title = "Montage"

urlpatterns = [
    path("tokens/", TokenView.as_view(), name="tokens"),
    path("tokens/<str:prefix>/", TokenDetailView.as_view(), name="token-detail"),
    path("info/workers/", WorkersView.as_view(), name="info-workers"),
    *(pattern for app in APP_ROUTES for pattern in app.urlpatterns),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # pages, not API endpoints: OPTIONS (no template for its metadata) was a 500
    path("swagger-ui/", SpectacularSwaggerView.as_view(url_name="schema", http_method_names=["get", "head"]),
         name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema", http_method_names=["get", "head"]), name="redoc"),
    path("cloud-admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls", namespace="rest_framework")),
]

# A URL no view answers is a JSON 404 for API clients (browsers still get the page).
handler404 = "config.api.exceptions.not_found"
