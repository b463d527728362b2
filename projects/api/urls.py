"""Routes of projects: /projects/, /clips/, /effects/ (clips and effects also nested under a project),
a project's /title/, and an asset's /add-to-project/ (placing makes a Clip, so projects declares it).

`register(router)` adds the top-level resources the API root lists; `urlpatterns`
are the nested collections and actions declared outside the viewsets, included
before the router's.
"""

from django.urls import path

from config.api.routes import COLLECTION
from projects.api.catalog_views import AssetPlacementViewSet
from projects.api.title_views import ProjectTitleActions
from projects.api.views import ClipViewSet, EffectViewSet, ProjectViewSet


def register(router) -> None:
    router.register("projects", ProjectViewSet, basename="project")
    router.register("clips", ClipViewSet, basename="clip")
    router.register("effects", EffectViewSet, basename="effect")


urlpatterns = [
    path("projects/<id:parent_pk>/clips/", ClipViewSet.as_view(COLLECTION), name="project-clips"),
    path("projects/<id:parent_pk>/effects/", EffectViewSet.as_view(COLLECTION), name="project-effects"),
    # titles make Files (media_assets), in a project
    path("projects/<id:pk>/title/", ProjectTitleActions.as_view({"post": "title"}), name="project-title"),
    # placing an asset makes a Clip; the URL name is the one the asset's `actions` list
    path("assets/<id:pk>/add-to-project/", AssetPlacementViewSet.as_view({"post": "add_to_project"}),
         name="asset-add-to-project"),
]
