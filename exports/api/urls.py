"""Routes of exports: /exports/ (also nested as /projects/<id>/exports/), the project actions that need
the renderer (thumbnail, validate) or count export outputs (storage), /info/ and /info/effects/.

`register(router)` adds the top-level resources the API root lists; `urlpatterns`
are the nested collections and actions declared outside the viewsets, included
before the router's.
"""

from django.urls import path

from config.api.routes import COLLECTION
from exports.api.project_views import EffectsInfoView, InfoView, ProjectRenderActions, ProjectStorageActions
from exports.api.views import ExportViewSet


def register(router) -> None:
    router.register("exports", ExportViewSet, basename="export")


urlpatterns = [
    path("info/", InfoView.as_view(), name="info"),
    path("info/effects/", EffectsInfoView.as_view(), name="info-effects"),
    path("projects/<id:parent_pk>/exports/", ExportViewSet.as_view(COLLECTION), name="project-exports"),
    path("projects/<id:pk>/thumbnail/", ProjectRenderActions.as_view({"get": "thumbnail", "post": "thumbnail"}),
         name="project-thumbnail"),
    path("projects/<id:pk>/validate/", ProjectRenderActions.as_view({"get": "validate", "post": "validate"}),
         name="project-validate"),
    # a project's storage counts its exports' outputs, so it lives with exports
    path("projects/<id:pk>/storage/", ProjectStorageActions.as_view({"get": "storage", "post": "storage"}),
         name="project-storage"),
]
