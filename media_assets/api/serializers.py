"""How media files are validated and represented."""

from django.apps import apps
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import OwnedRelatedField
from config.api.serializers import OwnedSerializer
from media_assets import cloud, imports
from media_assets.models import File
from media_assets.previews.services import preview_status_of
from media_assets.storage import StorageBackend
from config.media.image_formats import IMAGE_FORMATS

#: File.project's model. A File belongs to a project, a model of the app above this one, so it is
#: named by its label (the app registry is ready before any serializer is imported), never imported.
Project = apps.get_model("projects", "Project")


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class MediaFileField(serializers.FileField):
    """Uploaded bytes in; out, the URL of /media/<name> on this server (owner-checked, whatever the storage)."""

    def to_representation(self, value):
        if not value:
            return None
        path = reverse("media", kwargs={"path": value.name})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class FileSerializer(OwnedSerializer):
    basename = "file"
    action_names = ["copy", "download", "storage", "text-replace", "thumbnail"]
    media = MediaFileField(required=False, allow_null=True, allow_empty_file=False)
    project = OwnedRelatedField(Project, "project-detail")
    previews = serializers.HyperlinkedIdentityField(view_name="file-previews", read_only=True)
    preview_status = serializers.SerializerMethodField(help_text=(
        "ready, failed, processing, or none: the overall status of the previews (see `previews`)."))

    class Meta:
        model = File
        fields = ["url", "id", "media", "project", "actions", "json", "sha256", "previews", "preview_status",
                  "date_created", "date_updated"]
        read_only_fields = ["sha256"]

    def get_preview_status(self, instance) -> str:
        return preview_status_of(instance)

    def validate(self, attrs):
        if self.instance is None and not attrs.get("media"):
            # No bytes: json must name where to import them from (media_assets.imports).
            source = imports.import_source(attrs.get("json") or {})
            if source is None:
                raise serializers.ValidationError({"media": (
                    "Upload the file's bytes as multipart field 'media', or import them with json.url: an http(s) "
                    "URL, an S3 key (with json.bucket), an Azure blob (with json.container) or a path on the server."
                )})
            attrs["import_source"] = source
        project = attrs.get("project")
        if self.instance is not None and project is not None and project.pk != self.instance.project_id:
            raise serializers.ValidationError({"project": "A file cannot move between projects; copy it instead."})
        return attrs

    def create(self, validated_data):
        raise NotImplementedError("FileViewSet creates files through media_assets.ingest.file_ingest")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "json" in data:
            data["json"] = cloud.without_secrets(data["json"])
        return data


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
        return IMAGE_FORMATS[name].pillow


class StorageRequestSerializer(serializers.Serializer):
    """OpenShot's storage parameters (query string on GET, body on POST)."""

    backend = serializers.ChoiceField(
        choices=StorageBackend.choices, default=StorageBackend.LOCAL,
        # DRF's message echoes the input, and a lone surrogate in it cannot be rendered (a 500)
        error_messages={"invalid_choice": f"Use one of: {', '.join(StorageBackend.values)}."},
        help_text="local: each stored object measured; cloud: everything in the objects' storage folders; "
                  "json: the sizes recorded when the objects were stored.",
    )


class StorageResponseSerializer(serializers.Serializer):
    backend = serializers.CharField()
    storage = serializers.IntegerField(help_text="Bytes.")
