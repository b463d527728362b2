"""Request bodies of the project and clip actions (copy, merge, load, download/format, files/find, animation).

Each follows the OpenShot documentation's request data; they validate
only shapes and ranges, the services decide the rest.
"""


from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import EscapedJSONField, JSONObjectField, OwnedRelatedField
from media_assets.models import File
from projects.animation import CURVES, presets_documentation
from projects.merging import ATTRIBUTES, SOURCE_TYPES, TARGET_TYPES
from projects.models import Project
from projects.properties import MAX_LAYER, MAX_TIMELINE_SECONDS


class ProjectCopySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, help_text="Name of the copy (default: the name + \" (copy)\").")


class MergeInstructionSerializer(serializers.Serializer):
    """One advanced merge instruction (documentation only: `json` is checked by projects.merging)."""

    source = serializers.CharField(help_text="Merged clip/effect id (or its original_merge_id), a layer number, or \"all\".")
    source_type = serializers.ChoiceField(SOURCE_TYPES)
    source_attribute = serializers.ChoiceField(ATTRIBUTES)
    target = serializers.CharField(help_text="Clip/effect id (or original_merge_id) or layer number in this project.")
    target_type = serializers.ChoiceField(TARGET_TYPES)
    target_attribute = serializers.ChoiceField(ATTRIBUTES)
    offset = serializers.FloatField(default=0.0, min_value=-MAX_TIMELINE_SECONDS, max_value=MAX_TIMELINE_SECONDS,
                                    help_text="Seconds added to the target's value.")


@extend_schema_field(MergeInstructionSerializer(many=True))
class MergeInstructionsField(EscapedJSONField):
    """A list of instructions, or a string of escaped JSON holding one (as OpenShot sends it)."""

    blank = list
    default_error_messages = {"not_list": "Must be a list of merge instructions (or a string holding one)."}

    def to_internal_value(self, data):
        data = self.decoded(data)
        if isinstance(data, dict):  # {"instructions": [...]} or {} (none)
            data = data.get("instructions", data.get("merge", [])) if data else []
        if not isinstance(data, list):
            self.fail("not_list")
        return data


class ProjectMergeSerializer(serializers.Serializer):
    project = OwnedRelatedField(Project, "project-detail", help_text="The project (URL or id) whose files, clips and effects are merged in.")
    position = serializers.FloatField(default=0.0, min_value=-MAX_TIMELINE_SECONDS, max_value=MAX_TIMELINE_SECONDS,
                                      help_text="Seconds added to every merged clip's and effect's position.")
    layer = serializers.IntegerField(default=0, min_value=-2 * MAX_LAYER, max_value=2 * MAX_LAYER,
                                     help_text="Added to every merged clip's and effect's layer.")
    json = MergeInstructionsField(help_text="Advanced merge instructions, applied in order after the offsets.")


class ProjectLoadSerializer(serializers.Serializer):
    json = JSONObjectField(allow_null=True,
                           help_text="OpenShot project data (.osp JSON) or an OpenTimelineIO document (.otio JSON).")
    archive = serializers.FileField(required=False, allow_null=True, allow_empty_file=False,
                                    help_text="ZIP of the project file (.osp/.json/.otio) and its media.")


class DownloadFormatOptionsSerializer(serializers.Serializer):
    layer = serializers.IntegerField(required=False, min_value=-MAX_LAYER, max_value=MAX_LAYER,
                                     help_text="The layer an EDL holds (EDL only: one layer).")


class DownloadFormatSerializer(serializers.Serializer):
    FORMATS = (("edl", "CMX 3600 EDL of one layer"), ("xml", "Final Cut Pro 7 XML of all layers"),
               ("otio", "OpenTimelineIO JSON of all layers (Montage's extension)"))
    format = serializers.ChoiceField(FORMATS)
    json = JSONObjectField(help_text='Options: {"layer": N} for an EDL.')

    def validate_json(self, value):
        options = DownloadFormatOptionsSerializer(data=value)
        options.is_valid(raise_exception=True)
        return {**value, **options.validated_data}


class FilesFindSerializer(serializers.Serializer):
    position_in_seconds = serializers.FloatField(default=0.0, min_value=0.0, max_value=1e9)
    length_in_seconds = serializers.FloatField(required=False, allow_null=True, min_value=0.0, max_value=1e9,
                                               help_text="Length of the range; empty means to the end of the timeline.")
    filename_contains = serializers.CharField(default="", allow_blank=True, max_length=255)


class FoundFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    media = serializers.URLField()
    download = serializers.URLField()
    url = serializers.URLField()

    @staticmethod
    def of(file: File, request) -> dict:
        return {
            "id": file.pk,
            "name": file.name,
            "media": request.build_absolute_uri(file.media.url),
            "download": request.build_absolute_uri(reverse("file-download", args=[file.pk])),
            "url": request.build_absolute_uri(reverse("file-detail", args=[file.pk])),
        }


class KeyframeSerializer(serializers.Serializer):
    property = serializers.CharField(help_text="A keyframed clip property: alpha, scale_x, scale_y, location_x, location_y, rotation, volume ...")
    position_in_seconds = serializers.FloatField(min_value=0.0, max_value=1e7, help_text="Seconds into the clip.")
    curve = serializers.CharField(default="Bezier", help_text=f"One of: {', '.join(CURVES)}.")
    value = serializers.FloatField(min_value=-1e9, max_value=1e9)


class PresetSerializer(serializers.Serializer):
    preset = serializers.CharField(help_text="One of:\n\n" + presets_documentation())
    length_in_seconds = serializers.FloatField(default=1.0, min_value=0.0, max_value=1e7,
                                               help_text="How long the animation lasts (ignored by the layout presets).")
    curve = serializers.CharField(default="Ease (Default)", help_text=f"One of: {', '.join(CURVES)}.")


class CaptionsSerializer(serializers.Serializer):
    caption_text = serializers.CharField(default="", allow_blank=True, trim_whitespace=False, max_length=1_000_000,
                                         help_text="VTT or SubRip cues; times relative to the clip's start.")
    append_file_transcript = serializers.BooleanField(default=False,
                                                      help_text="Also add the clip's file's transcript (file json.transcripts).")
    file_transcript_language = serializers.CharField(default="", allow_blank=True, max_length=32,
                                                     help_text="Which transcript (language code); empty = the first.")

