"""Projects and what sits on their timeline: clips and effects.

Field names and defaults follow the OpenShot Cloud API so scripts written
for it work unchanged. Times are seconds; layers are integers, higher on top.
"""

from django.core.validators import MinValueValidator
from django.db import models

from config.models import OwnedModel


class ChannelLayout(models.IntegerChoices):
    """OpenShot's (libopenshot's) channel layout values: FFmpeg's channel masks."""

    MONO = 4, "Mono"
    STEREO = 3, "Stereo"
    LAYOUT_2POINT1 = 11, "2.1"
    LAYOUT_2_1 = 259, "2_1"
    SURROUND = 7, "Surround"
    LAYOUT_3POINT1 = 15, "3.1"
    LAYOUT_4POINT0 = 263, "4.0"
    LAYOUT_4POINT1 = 271, "4.1"
    LAYOUT_2_2 = 1539, "2_2"
    QUAD = 51, "Quad"
    LAYOUT_5POINT0 = 1543, "5.0"
    LAYOUT_5POINT1 = 1551, "5.1"
    LAYOUT_5POINT0_BACK = 55, "5.0 (back)"
    LAYOUT_5POINT1_BACK = 63, "5.1 (back)"
    LAYOUT_6POINT0 = 1799, "6.0"
    LAYOUT_6POINT0_FRONT = 1731, "6.0 (front)"
    HEXAGONAL = 311, "Hexagonal"
    LAYOUT_6POINT1 = 1807, "6.1"
    LAYOUT_6POINT1_BACK = 319, "6.1 (back)"
    LAYOUT_6POINT1_FRONT = 1739, "6.1 (front)"
    LAYOUT_7POINT0 = 1591, "7.0"
    LAYOUT_7POINT0_FRONT = 1735, "7.0 (front)"
    LAYOUT_7POINT1 = 1599, "7.1"
    LAYOUT_7POINT1_WIDE = 1743, "7.1 (wide)"
    LAYOUT_7POINT1_WIDE_BACK = 255, "7.1 (wide, back)"
    OCTAGONAL = 1847, "Octagonal"
    STEREO_DOWNMIX = 1610612736, "Stereo downmix"


_positive = [MinValueValidator(1)]


class Project(OwnedModel):
    name = models.CharField(max_length=255)
    width = models.PositiveIntegerField(default=1920, validators=_positive)
    height = models.PositiveIntegerField(default=1080, validators=_positive)
    fps_num = models.PositiveIntegerField(default=30, validators=_positive)
    fps_den = models.PositiveIntegerField(default=1, validators=_positive)
    sample_rate = models.PositiveIntegerField(default=44100, validators=_positive)
    channels = models.PositiveIntegerField(default=2, validators=_positive)
    channel_layout = models.BigIntegerField(choices=ChannelLayout.choices, default=ChannelLayout.STEREO)
    video_format = models.CharField(max_length=32, default="mp4")
    video_codec = models.CharField(max_length=64, default="libx264")
    video_bitrate = models.PositiveBigIntegerField(default=8_000_000)
    audio_codec = models.CharField(max_length=64, default="aac")
    audio_bitrate = models.PositiveBigIntegerField(default=192_000)
    json = models.JSONField(default=dict, blank=True)

    class Meta(OwnedModel.Meta):
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def fps(self) -> float:
        return self.fps_num / self.fps_den


class TimelineItem(OwnedModel):
    """What clips and effects share: a span of the timeline on a layer."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="%(class)ss")
    position = models.FloatField(default=0.0, validators=[MinValueValidator(0.0)])
    start = models.FloatField(default=0.0, validators=[MinValueValidator(0.0)])
    end = models.FloatField(default=0.0, validators=[MinValueValidator(0.0)])
    layer = models.IntegerField(default=1)
    json = models.JSONField(default=dict, blank=True)

    class Meta(OwnedModel.Meta):
        abstract = True

    @property
    def duration(self) -> float:
        return max(self.end - self.start, 0.0)


class Clip(TimelineItem):
    file = models.ForeignKey("media_assets.File", on_delete=models.CASCADE, related_name="clips")

    class Meta(TimelineItem.Meta):
        indexes = [models.Index(fields=["project", "layer", "position"])]

    def __str__(self) -> str:
        return f"Clip {self.pk} of {self.file_id} at {self.position}s"


class Effect(TimelineItem):
    title = models.CharField(max_length=255, blank=True, default="")
    type = models.CharField(max_length=64)

    class Meta(TimelineItem.Meta):
        indexes = [models.Index(fields=["project", "layer", "position"])]

    def __str__(self) -> str:
        return f"{self.type} effect {self.pk}"
