"""How exports are validated and represented (OpenShot's export fields).

As the OpenShot documentation writes them: `export_type` "image sequence",
bitrates in bits as integers (a quality such as "crf 23" stays text), codec
names made canonical (`exports.formats.encoder_name`). A render is at most
MAX_RENDER_SECONDS of output at the export's frame rate. A webhook is judged
when given, by the guard its delivery uses (`exports.webhooks.webhook_policy`);
a pending export no live worker will take says so in `json.warning`.
"""

from fractions import Fraction

from django.conf import settings
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fields import OwnedRelatedField
from config.api.serializers import OwnedSerializer
from config.workers.status import RENDER_QUEUE, live_queues, no_worker_warning
from exports.delivery import delivery_problems, public_json
from exports.formats import encoder_name, fitting_encoders, output_pair_problem
from exports.models import Export, ExportStatus, ExportType
from exports.options import (
    DOCUMENTED_EXPORT_TYPES,
    documented_export_type,
    parse_bitrate,
    parse_export_type,
    parse_fps,
    validate_overrides,
)
from exports.webhooks import ReceiverRefused, receiver_url_check, webhook_policy
from media_assets.cloud import SECRET_KEYS, has_secrets
from projects.models import Clip, Project

#: the longest render: 24 hours of output
MAX_RENDER_SECONDS = 24 * 3600
#: the largest frame number (what the database column holds)
MAX_FRAME = 2**31 - 1

#: keys of an export's json the server writes; never taken from a client
SERVER_KEYS = ("error", "retries", "webhook", "hostname", "worker_stats", "status", "detail", "render",
               "delivered_url", "file_size", "warning", "render_mode", "smart_reason", "render_speed",
               "smart_frames", "segment_render")


class ExportTypeField(serializers.ChoiceField):
    """video, audio, image, image sequence (also image-sequence) or waveform; answered as documented."""

    def __init__(self, **kwargs):
        super().__init__(choices=DOCUMENTED_EXPORT_TYPES, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Give the export type as text, e.g. \"video\".")
        try:
            return parse_export_type(data)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value):
        return documented_export_type(value)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}],
                      "description": "Bits per second (8000000), as text ('8.0 Mb/sec'), or a quality ('crf 23')."})
class BitrateField(serializers.CharField):
    """Bits per second, answered as an integer (as OpenShot does); a quality ("crf 23") is answered as text."""

    def __init__(self, *, allow_quality: bool, **kwargs):
        self.allow_quality = allow_quality
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, float)):
            raise serializers.ValidationError("Not a bitrate.")
        try:
            return parse_bitrate(data, allow_quality=self.allow_quality)
        except (ValueError, OverflowError) as error:
            raise serializers.ValidationError(str(error)) from None

    def to_representation(self, value):
        text = str(value)
        return int(text) if text.isascii() and text.isdigit() else text


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
    start_frame = serializers.IntegerField(min_value=1, max_value=MAX_FRAME, default=1)
    end_frame = serializers.IntegerField(
        min_value=-1, max_value=MAX_FRAME, required=False, allow_null=True,
        help_text="Inclusive; empty or -1 renders to the end of the last clip. At most 24 hours of frames.")
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
        if self._waiting_long(instance) and RENDER_QUEUE not in self._live_queues():
            # The trap of a server started without a worker: say so where the client is looking.
            warnings = [data["json"].get("warning"), no_worker_warning(RENDER_QUEUE)]
            data["json"]["warning"] = "; ".join(warning for warning in warnings if warning)
        return data

    @staticmethod
    def _waiting_long(export: Export) -> bool:
        """Pending for longer than a live worker takes to pick a render up (a worker just starting, too)."""
        if export.status != ExportStatus.PENDING:
            return False
        since = export.queued_at or export.date_created
        return since is None or (timezone.now() - since).total_seconds() >= settings.WORKER_WARNING_AFTER_SECONDS

    def _live_queues(self) -> set[str]:
        # Asked once per request: a list's rows share the root serializer's context.
        context = self.context if isinstance(self.context, dict) else {}
        if "live_queues" not in context:
            context["live_queues"] = live_queues()
        return context["live_queues"]

    def validate_webhook(self, value):
        """Judged now by the guard the delivery uses, so a refused address is a 400 and not a silent failure."""
        self._webhook_warning = None
        if not value:
            return value
        try:
            unresolved = receiver_url_check(value, webhook_policy())
        except ReceiverRefused as error:
            raise serializers.ValidationError(str(error)) from None
        if unresolved:
            # DNS may answer later; the delivery checks the address again.
            self._webhook_warning = f"webhook not checked: {unresolved}; it is checked again when the render ends"
        return value

    def validate_end_frame(self, value):
        return None if value in (None, -1) else value

    def validate(self, attrs):
        project = attrs.get("project") or getattr(self.instance, "project", None)
        defaulted = set()
        if self.instance is None and project is not None:
            # OpenShot: omitted encoding settings come from the project.
            for name in ("video_format", "video_codec", "audio_codec"):
                if name not in attrs:
                    attrs[name] = getattr(project, name)
                    defaulted.add(name)
            attrs.setdefault("video_bitrate", str(project.video_bitrate))
            attrs.setdefault("audio_bitrate", str(project.audio_bitrate))
        for name in ("video_codec", "audio_codec"):
            if attrs.get(name):
                attrs[name] = encoder_name(attrs[name])
        self._check_frames(attrs, project)
        self._check_encoding(attrs, defaulted)
        if "webhook" in attrs:
            stored = dict(attrs.get("json", getattr(self.instance, "json", None)) or {})
            stored.pop("warning", None)
            if getattr(self, "_webhook_warning", None):
                stored["warning"] = self._webhook_warning
            attrs["json"] = stored
        return attrs

    def _check_frames(self, attrs, project):
        start = attrs.get("start_frame", getattr(self.instance, "start_frame", 1))
        end = attrs.get("end_frame", getattr(self.instance, "end_frame", None))
        if end is not None and end < start:
            raise serializers.ValidationError({"end_frame": f"end_frame ({end}) is before start_frame ({start})."})
        if project is None:
            return
        fps = self._fps(attrs, project)
        limit = int(MAX_RENDER_SECONDS * fps)
        if end is not None and end - start + 1 > limit:
            raise serializers.ValidationError({"end_frame": (
                f"An export renders at most 24 hours: {limit} frames at {float(fps):g} fps, "
                f"so end_frame can be at most {start + limit - 1} when start_frame is {start}."
            )})
        kind = attrs.get("export_type", getattr(self.instance, "export_type", ExportType.VIDEO))
        frames_changed = self.instance is None or {"start_frame", "end_frame", "export_type", "json"} & set(attrs)
        if end is None and kind != ExportType.IMAGE and frames_changed:
            seconds = Clip.objects.filter(project=project).aggregate(
                end=Max(F("position") + F("end") - F("start")))["end"] or 0.0
            if seconds * fps - start + 1 > limit:
                raise serializers.ValidationError({"end_frame": (
                    f"The timeline is {seconds:g} s long and an export renders at most 24 hours: "
                    f"give an end_frame of at most {start + limit - 1}."
                )})

    def _fps(self, attrs, project) -> Fraction:
        overrides = attrs.get("json", getattr(self.instance, "json", None)) or {}
        if "fps" in overrides:
            try:
                return parse_fps(overrides["fps"])
            except ValueError:
                pass  # validate_json has said so already
        return Fraction(project.fps_num, project.fps_den)

    def _check_encoding(self, attrs, defaulted: set[str]):
        merged = {name: attrs.get(name, getattr(self.instance, name, None))
                  for name in ("export_type", "video_format", "video_codec", "audio_codec")}
        kind = merged["export_type"]
        if kind in (ExportType.IMAGE, ExportType.IMAGE_SEQUENCE, ExportType.WAVEFORM):
            return  # these write images; their format is checked by the renderer's image options
        video_format = merged["video_format"] or ""
        video_codec = merged["video_codec"] if kind == ExportType.VIDEO else None
        audio_codec = merged["audio_codec"] or None
        problem = output_pair_problem(video_format, video_codec, audio_codec)
        if problem and defaulted & {"video_codec", "audio_codec"}:
            # A codec the client left out came from the project; choose one the container holds instead.
            fitting = self._fitting_codecs(video_format, video_codec, audio_codec, defaulted)
            if fitting is not None:
                if kind == ExportType.VIDEO:
                    attrs["video_codec"] = fitting[0]
                attrs["audio_codec"] = fitting[1]
                return
        if problem:
            raise serializers.ValidationError({"video_format": problem})

    @staticmethod
    def _fitting_codecs(video_format, video_codec, audio_codec, defaulted) -> tuple | None:
        videos = [video_codec]
        if video_codec and "video_codec" in defaulted:
            videos += [name for name in fitting_encoders(video_format, "video") if name != video_codec]
        audios = [audio_codec]
        if audio_codec and "audio_codec" in defaulted:
            audios += [name for name in fitting_encoders(video_format, "audio") if name != audio_codec]
        for video in videos:
            for audio in audios:
                if output_pair_problem(video_format, video, audio) is None:
                    return video, audio
        return None


class ExportCommandSerializer(serializers.Serializer):
    """Answer of retry / cancel: a detail message."""

    detail = serializers.CharField(read_only=True)
