"""How media files are validated and represented."""

from rest_framework import serializers

from config.api.fields import OwnedRelatedField
from config.api.serializers import OwnedSerializer
from media_assets.models import File
from projects.models import Project

IMAGE_FORMATS = {"JPG": "JPEG", "JPEG": "JPEG", "PNG": "PNG", "BMP": "BMP", "PPM": "PPM", "GIF": "GIF", "WEBP": "WEBP"}


class FileSerializer(OwnedSerializer):
    basename = "file"
    action_names = ["copy", "download", "storage", "text-replace", "thumbnail"]
    media = serializers.FileField(required=False, allow_empty_file=False, use_url=True)
    project = OwnedRelatedField(Project, "project-detail")

    class Meta:
        model = File
        fields = ["url", "id", "media", "project", "actions", "json", "date_created", "date_updated"]

    def validate(self, attrs):
        if self.instance is None and not attrs.get("media"):
            raise serializers.ValidationError({"media": "Upload the file's bytes as multipart field 'media'."})
        project = attrs.get("project")
        if self.instance is not None and project is not None and project.pk != self.instance.project_id:
            raise serializers.ValidationError({"project": "A file cannot move between projects; copy it instead."})
        return attrs

    def create(self, validated_data):
        raise NotImplementedError("FileViewSet creates files through media_assets.services.file_ingest")


class ThumbnailSerializer(serializers.Serializer):
    """OpenShot's thumbnail parameters; a bare GET gives frame 60 as a 720p JPEG."""

    frame_number = serializers.IntegerField(min_value=1, max_value=10_000_000, default=60)
    width = serializers.IntegerField(min_value=1, max_value=7680, default=1280)
    height = serializers.IntegerField(min_value=1, max_value=4320, default=720)
    image_format = serializers.CharField(default="JPG")
    image_quality = serializers.IntegerField(min_value=1, max_value=100, default=100)

    def validate_image_format(self, value: str) -> str:
        name = value.strip().upper().lstrip(".")
        if name not in IMAGE_FORMATS:
            raise serializers.ValidationError(f"Use one of {', '.join(sorted(IMAGE_FORMATS))}.")
        return IMAGE_FORMATS[name]
