"""How projects, clips and effects are validated and represented."""

import math

from django.db.models import Prefetch
from rest_framework import serializers

from config.api.fields import OwnedRelatedField
from config.api.serializers import OwnedSerializer
from media_assets.models import File
from projects.models import Clip, Effect, Project
from projects.properties import (
    MAX_LAYER,
    MAX_TIMELINE_SECONDS,
    clip_json_complete,
    clip_json_errors,
    curve_error,
    effect_json_complete,
)

MAX_DIMENSION = 16384
MAX_FPS = 1000


class ProjectSerializer(OwnedSerializer):
    basename = "project"
    action_names = [
        "copy", "download", "download-format", "files", "files-find", "clips", "effects", "exports",
        "json", "load", "merge", "storage", "thumbnail", "title", "validate",
    ]
    width = serializers.IntegerField(min_value=1, max_value=MAX_DIMENSION, default=1920)
    height = serializers.IntegerField(min_value=1, max_value=MAX_DIMENSION, default=1080)
    fps_num = serializers.IntegerField(min_value=1, max_value=1_000_000, default=30)
    fps_den = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    sample_rate = serializers.IntegerField(min_value=1000, max_value=768_000, default=44100)
    channels = serializers.IntegerField(min_value=1, max_value=64, default=2)
    files = serializers.HyperlinkedRelatedField(many=True, read_only=True, view_name="file-detail")
    clips = serializers.HyperlinkedRelatedField(many=True, read_only=True, view_name="clip-detail")
    effects = serializers.HyperlinkedRelatedField(many=True, read_only=True, view_name="effect-detail")
    exports = serializers.HyperlinkedRelatedField(many=True, read_only=True, view_name="export-detail")

    class Meta:
        model = Project
        fields = [
            "url", "id", "name", "width", "height", "fps_num", "fps_den", "sample_rate", "channels",
            "channel_layout", "video_format", "video_codec", "video_bitrate", "audio_codec",
            "audio_bitrate", "files", "clips", "effects", "exports", "actions", "json", "date_created", "date_updated",
        ]

    def validate(self, attrs):
        num = attrs.get("fps_num", getattr(self.instance, "fps_num", 30))
        den = attrs.get("fps_den", getattr(self.instance, "fps_den", 1))
        if num / den > MAX_FPS:
            raise serializers.ValidationError({"fps_num": f"Frame rate {num}/{den} is above {MAX_FPS} fps."})
        return attrs

    @staticmethod
    def prefetch(queryset):
        """What a page of projects needs, in a fixed number of queries."""
        only_ids = ("id", "project_id")
        return queryset.prefetch_related(
            Prefetch("files", queryset=File.objects.only(*only_ids)),
            Prefetch("clips", queryset=Clip.objects.only(*only_ids)),
            Prefetch("effects", queryset=Effect.objects.only(*only_ids)),
            "exports",  # renders are few per project; their model lives in the exports app
        )


def timeline_seconds(**kwargs) -> serializers.FloatField:
    """A time on the timeline (position, start, end): seconds from 0 to MAX_TIMELINE_SECONDS."""
    return serializers.FloatField(min_value=0.0, max_value=MAX_TIMELINE_SECONDS, **kwargs)


class TimelineItemSerializer(OwnedSerializer):
    project = OwnedRelatedField(Project, "project-detail")
    position = timeline_seconds(default=0.0)
    start = timeline_seconds(default=0.0)
    layer = serializers.IntegerField(min_value=-MAX_LAYER, max_value=MAX_LAYER, default=1)

    def validate(self, attrs):
        start = attrs.get("start", getattr(self.instance, "start", 0.0))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if end is not None and end > MAX_TIMELINE_SECONDS:  # a default taken from a file's duration
            raise serializers.ValidationError({"end": (
                f"end ({end:g} s) is beyond the longest timeline, {MAX_TIMELINE_SECONDS} s; give end explicitly.")})
        if end is not None and end <= start:
            raise serializers.ValidationError({"end": f"end ({end}) must be after start ({start})."})
        return attrs


class ClipSerializer(TimelineItemSerializer):
    basename = "clip"
    action_names = ["keyframes", "presets", "reset", "captions"]
    file = OwnedRelatedField(File, "file-detail")
    end = timeline_seconds(required=False, help_text="Defaults to the file's duration.")

    class Meta:
        model = Clip
        fields = [
            "url", "id", "file", "position", "start", "end", "layer", "actions", "project", "json",
            "date_created", "date_updated",
        ]

    def validate_json(self, value):
        errors = clip_json_errors(value)
        if errors:
            raise serializers.ValidationError(errors)
        return value

    def validate(self, attrs):
        file = attrs.get("file", getattr(self.instance, "file", None))
        project = attrs.get("project", getattr(self.instance, "project", None))
        if file is not None and project is not None and file.project_id != project.pk:
            raise serializers.ValidationError({"file": "The file belongs to another project; copy it into this one first."})
        if "end" not in attrs and self.instance is None and file is not None:
            attrs["end"] = _file_duration(file) or attrs.get("start", 0.0) + 1.0
        return super().validate(attrs)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        complete = clip_json_complete(data["json"])
        complete.setdefault("reader", instance.file.json)
        complete.setdefault("title", instance.file.name)
        data["json"] = complete
        return data


def _file_duration(file: File) -> float:
    """The file's probed duration in seconds (0 when unknown or not a usable number)."""
    try:
        duration = float((file.json or {}).get("duration") or 0.0)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return duration if math.isfinite(duration) and duration > 0 else 0.0


class EffectSerializer(TimelineItemSerializer):
    basename = "effect"
    action_names = []
    type = serializers.RegexField(r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64, help_text="libopenshot effect class name, e.g. Blur")
    end = timeline_seconds(default=10.0)

    class Meta:
        model = Effect
        fields = [
            "url", "id", "title", "type", "position", "start", "end", "layer", "actions", "project", "json",
            "date_created", "date_updated",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["json"] = effect_json_complete(instance.type, data["json"])
        return data

    def validate_json(self, value):
        errors = [
            f"{name}: {problem}"
            for name, item in value.items()
            if isinstance(item, dict) and "Points" in item and (problem := curve_error(item))
        ]
        if errors:
            raise serializers.ValidationError(errors)
        return value
