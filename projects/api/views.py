"""The /projects/, /clips/ and /effects/ resources."""

from config.api.viewsets import OwnedModelViewSet
from projects import services
from projects.api.actions import ClipActionsMixin, ProjectActionsMixin
from projects.api.serializers import ClipSerializer, EffectSerializer, ProjectSerializer
from projects.filters import ClipFilter, EffectFilter, ProjectFilter
from projects.models import Clip, Effect, Project


class ProjectViewSet(ProjectActionsMixin, OwnedModelViewSet):
    """Video projects: the top-level object files, clips, effects and exports belong to."""

    queryset = ProjectSerializer.prefetch(Project.objects.all())
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["id", "name", "date_created", "date_updated"]

    def perform_destroy(self, instance):
        services.project_delete(project=instance)


class ClipViewSet(ClipActionsMixin, OwnedModelViewSet):
    """Clips: a file placed on the timeline at a position, trimmed by start/end, on a layer."""

    queryset = Clip.objects.select_related("file")
    serializer_class = ClipSerializer
    filterset_class = ClipFilter
    ordering_fields = ["id", "position", "layer", "date_created"]
    parent_field = "project"
    parent_model = Project


class EffectViewSet(OwnedModelViewSet):
    """Effects: a libopenshot effect over a span of a layer."""

    queryset = Effect.objects.all()
    serializer_class = EffectSerializer
    filterset_class = EffectFilter
    ordering_fields = ["id", "position", "layer", "date_created"]
    parent_field = "project"
    parent_model = Project
