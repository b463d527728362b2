"""How a file's previews are represented, and what a request to remake them may say."""

from django.urls import reverse
from rest_framework import serializers

from media_assets.previews.kinds import KIND_NAMES
from media_assets.previews.models import Rendition, RenditionStatus


class PreviewSerializer(serializers.ModelSerializer):
    """One rendition: `url` (absolute) is null until it is ready."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Rendition
        fields = ["kind", "status", "url", "content_type", "width", "height", "duration", "bytes", "error"]

    def get_url(self, rendition) -> str | None:
        if rendition.status != RenditionStatus.READY:
            return None
        basename, pk = self.context["preview_route"]
        path = reverse(f"{basename}-preview", args=[pk, rendition.kind])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PreviewsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ready", "failed", "processing", "none"], help_text=(
        "ready when every preview is, failed when any failed, processing while any is pending or being made; "
        "none when the file has no previews (yet)."))
    previews = PreviewSerializer(many=True)


class PreviewsRemakeSerializer(serializers.Serializer):
    kinds = serializers.ListField(child=serializers.CharField(max_length=64), required=False, allow_empty=False,
                                  help_text=f"Which to make again (default: all the file's): {', '.join(KIND_NAMES)}.")

    def validate_kinds(self, kinds):
        unknown = [kind for kind in kinds if kind not in KIND_NAMES]
        if unknown:
            raise serializers.ValidationError(
                f"No preview kind {', '.join(repr(kind) for kind in unknown)}; the kinds are {', '.join(KIND_NAMES)}.")
        return kinds
