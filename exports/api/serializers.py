"""How exports are validated and represented (OpenShot's export fields)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import OwnedRelatedField
from config.api.serializers import OwnedSerializer
from exports.delivery import delivery_problems, public_json
from exports.formats import output_pair_problem
from exports.models import Export, ExportStatus, ExportType
from exports.options import parse_bitrate, parse_export_type, validate_overrides
from media_assets.cloud import SECRET_KEYS, has_secrets
from projects.models import Project

#: keys of an export's json the server writes; never taken from a client
SERVER_KEYS = ("error", "retries", "webhook", "hostname", "worker_stats", "status", "detail", "render",
               "delivered_url", "file_size")


class ExportTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ExportType.choices, **kwargs)

    def to_internal_value(self, data):
        try:
            return parse_export_type(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class BitrateField(serializers.CharField):
    def __init__(self, *, allow_quality: bool, **kwargs):
        self.allow_quality = allow_quality
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            raise serializers.ValidationError("Not a bitrate.")
        try:
            return parse_bitrate(data, allow_quality=self.allow_quality)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "readOnly": True})
class OutputField(serializers.Field):
    """The absolute URL the finished render downloads from (with the owner's credentials)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, export):
        if export.status != ExportStatus.COMPLETED or not export.output:
            return None
        delivered = (export.json or {}).get("delivered_url")
        if delivered:
            return delivered
        path = reverse("export-download", args=[export.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ExportSerializer(OwnedSerializer):
    basename = "export"
    action_names = ["download", "retry", "cancel", "storage"]
    project = OwnedRelatedField(Project, "project-detail")
    output = OutputField()
    export_type = ExportTypeField(default=ExportType.VIDEO)
    video_format = serializers.CharField(max_length=32, required=False)
    video_codec = serializers.CharField(max_length=64, required=False)
    audio_codec = serializers.CharField(max_length=64, required=False)
    video_bitrate = BitrateField(allow_quality=True, required=False)
    audio_bitrate = BitrateField(allow_quality=False, required=False)
    start_frame = serializers.IntegerField(min_value=1, default=1)
    end_frame = serializers.IntegerField(min_value=-1, required=False, allow_null=True,
                                         help_text="Inclusive; empty or -1 renders to the end of the last clip.")
    webhook = serializers.URLField(max_length=2048, required=False, allow_blank=True)

    class Meta:
        model = Export
        fields = [
            "url", "id", "output", "export_type", "video_format", "video_codec", "video_bitrate", "audio_codec",
            "audio_bitrate", "start_frame", "end_frame", "actions", "project", "webhook", "json", "progress",
            "status", "date_created", "date_updated",
        ]
        read_only_fields = ["progress", "status"]

    def validate_json(self, value):
        problems = validate_overrides(value)
        if problems:
            raise serializers.ValidationError(problems)
        # Server-written keys are kept from the stored export, never taken from the client.
        stored = self.instance.json if self.instance else {}
        client = {key: item for key, item in value.items() if key not in SERVER_KEYS}
        if not has_secrets(client):
            # Delivery credentials are never shown, so json sent back as it was read lacks them: keep them.
            client.update({key: stored[key] for key in SECRET_KEYS if key in stored})
        problems = delivery_problems(client)
        if problems:
            raise serializers.ValidationError(problems)
        return {**client, **{key: stored[key] for key in SERVER_KEYS if key in stored}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["json"] = public_json(data["json"])  # an export's own credentials are never echoed
        return data

    def validate_end_frame(self, value):
        return None if value in (None, -1) else value

    def validate(self, attrs):
        project = attrs.get("project") or getattr(self.instance, "project", None)
        if self.instance is None and project is not None:
            # OpenShot: omitted encoding settings come from the project.
            for name in ("video_format", "video_codec", "audio_codec"):
                attrs.setdefault(name, getattr(project, name))
            attrs.setdefault("video_bitrate", str(project.video_bitrate))
            attrs.setdefault("audio_bitrate", str(project.audio_bitrate))
        start = attrs.get("start_frame", getattr(self.instance, "start_frame", 1))
        end = attrs.get("end_frame", getattr(self.instance, "end_frame", None))
        if end is not None and end < start:
            raise serializers.ValidationError({"end_frame": f"end_frame ({end}) is before start_frame ({start})."})
        self._check_encoding(attrs)
        return attrs

    def _check_encoding(self, attrs):
        merged = {name: attrs.get(name, getattr(self.instance, name, None))
                  for name in ("export_type", "video_format", "video_codec", "audio_codec")}
        kind = merged["export_type"]
        if kind in (ExportType.IMAGE, ExportType.IMAGE_SEQUENCE, ExportType.WAVEFORM):
            return  # these write images; their format is checked by the renderer's image options
        video_codec = merged["video_codec"] if kind == ExportType.VIDEO else None
        problem = output_pair_problem(merged["video_format"] or "", video_codec, merged["audio_codec"] or None)
        if problem:
            raise serializers.ValidationError({"video_format": problem})


class ExportCommandSerializer(serializers.Serializer):
    """Answer of retry / cancel: a detail message."""

    detail = serializers.CharField(read_only=True)
