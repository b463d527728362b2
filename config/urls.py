"""URL configuration: the API root, resources, nested collections, docs, admin."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import permissions, routers

from config.api.auth import TokenDetailView, TokenView
from config.api.viewsets import ID_REGEX
from exports.api.project_views import EffectsInfoView, InfoView, ProjectRenderActions, ProjectStorageActions
from exports.api.views import ExportViewSet
from media_assets.api.actions import ProjectTitleActions
from media_assets.api.fonts import FontsThumbnailView, FontsView
from media_assets.api import catalog_urls
from media_assets.api.views import FileViewSet, MediaView
from projects.api.views import ClipViewSet, EffectViewSet, ProjectViewSet


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
router.register("projects", ProjectViewSet, basename="project")
router.register("files", FileViewSet, basename="file")
router.register("clips", ClipViewSet, basename="clip")
router.register("effects", EffectViewSet, basename="effect")
router.register("exports", ExportViewSet, basename="export")
catalog_urls.register(router)  # /catalogs/ /assets/ /fields/ /smart-folders/

NESTED_COLLECTION = {"get": "list", "post": "create"}

# Project actions that need the renderer live in the exports app (projects never imports exports).
project_render_actions = [
    path("projects/<int:pk>/thumbnail/", ProjectRenderActions.as_view({"get": "thumbnail", "post": "thumbnail"}),
         name="project-thumbnail"),
    path("projects/<int:pk>/validate/", ProjectRenderActions.as_view({"get": "validate", "post": "validate"}),
         name="project-validate"),
    # a project's storage counts its exports' outputs, so it lives with exports too
    path("projects/<int:pk>/storage/", ProjectStorageActions.as_view({"get": "storage", "post": "storage"}),
         name="project-storage"),
    # titles make Files, so the action lives with media_assets
    path("projects/<int:pk>/title/", ProjectTitleActions.as_view({"post": "title"}), name="project-title"),
]

nested = [
    path("projects/<int:parent_pk>/files/", FileViewSet.as_view(NESTED_COLLECTION), name="project-files"),
    path("projects/<int:parent_pk>/clips/", ClipViewSet.as_view(NESTED_COLLECTION), name="project-clips"),
    path("projects/<int:parent_pk>/effects/", EffectViewSet.as_view(NESTED_COLLECTION), name="project-effects"),
    path("projects/<int:parent_pk>/exports/", ExportViewSet.as_view(NESTED_COLLECTION), name="project-exports"),
]

admin.site.site_header = "Montage administration"
admin.site.site_title = "Montage"

urlpatterns = [
    path("tokens/", TokenView.as_view(), name="tokens"),
    path("tokens/<str:prefix>/", TokenDetailView.as_view(), name="token-detail"),
    path("info/", InfoView.as_view(), name="info"),
    path("info/effects/", EffectsInfoView.as_view(), name="info-effects"),
    path("info/fonts/", FontsView.as_view(), name="info-fonts"),
    path("info/fonts/thumbnail/", FontsThumbnailView.as_view(), name="info-fonts-thumbnail"),
    *nested,
    *catalog_urls.urlpatterns,
    *project_render_actions,
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # pages, not API endpoints: OPTIONS (no template for its metadata) was a 500
    path("swagger-ui/", SpectacularSwaggerView.as_view(url_name="schema", http_method_names=["get", "head"]),
         name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema", http_method_names=["get", "head"]), name="redoc"),
    path("cloud-admin/", admin.site.urls),
    path("api-auth/", include("rest_framework.urls", namespace="rest_framework")),
    re_path(r"^media/(?P<path>.+)$", MediaView.as_view(), name="media"),
]

# A URL no view answers is a JSON 404 for API clients (browsers still get the page).
handler404 = "config.api.exceptions.not_found"
