"""The catalog: catalogs shared with groups, the assets logged in them, and how they are found.

CatDV's object model, in Django: a `Catalog` holds `Asset`s (CatDV's
clips: masters, subclips, stills, sequences…), each showing a media `File`
between timecodes; `Marker`s log moments inside an asset; a sequence's
`SequenceItem`s cut ranges of other assets onto tracks. `MetadataField`s
are the typed user fields staff define, globally or per catalog; their
values live in `Asset.user_fields` under each field's identifier.
`SmartFolder`s are saved queries.

Timecodes are stored as frame counts (`*_frm`) in the asset's timecode
format (`tc_format`, a CatDV fmt code; see media_assets.timecode); the API
shows them as CatDV timecode objects.

Access follows sharing: a catalog's owner and the members of groups it is
shared with (as viewer or editor) see it and everything in it
(media_assets.catalog.access). Every change to these models is recorded
by django-simple-history.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from simple_history.models import HistoricalRecords

from config.models import OwnedModel
from media_assets.timecode import FORMATS, TimecodeFormat, timecode_format


class ShareRole(models.TextChoices):
    VIEWER = "viewer", "Viewer (read only)"
    EDITOR = "editor", "Editor (read and write the contents)"


class GroupShare(models.Model):
    """One group's access to a shared object."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=ShareRole.choices, default=ShareRole.VIEWER)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.group} as {self.role}"


class Catalog(OwnedModel):
    name = models.CharField(max_length=255)
    comment = models.TextField(blank=True, default="")
    read_only = models.BooleanField(default=False, help_text="Nothing in a read-only catalog can be changed.")
    history = HistoricalRecords()

    class Meta(OwnedModel.Meta):
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


class CatalogShare(GroupShare):
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="shares")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["catalog", "group"], name="catalog_share_once_per_group")]


class ClipType(models.TextChoices):
    CLIP = "clip", "Clip (master)"
    SUBCLIP = "subclip", "Subclip (a range of another clip's media)"
    METACLIP = "metaclip", "Metaclip (several component clips)"
    STILL = "still", "Still image"
    IMGSEQ = "imgseq", "Image sequence"
    AUDIO = "audio", "Audio only"
    SEQ = "seq", "Sequence (a rough cut)"
    OTHER = "other", "Other (not media)"


TIMECODE_FORMAT_CHOICES = [(fmt.code, fmt.label) for fmt in FORMATS.values()]


class CatalogContent(models.Model):
    """Who made it and when; access comes from the catalog, not from a per-row owner."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["id"]


class Asset(CatalogContent):
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="assets")
    file = models.ForeignKey(
        "media_assets.File", on_delete=models.SET_NULL, null=True, blank=True, related_name="assets",
        help_text="The media the asset shows; none for sequences and non-media assets, or once the file is deleted.",
    )
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="subclips",
        help_text="The master asset a subclip is a range of.",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates",
        help_text="The asset of the same catalog that already held these bytes (same SHA-256) when this one came.",
    )
    type = models.CharField(max_length=16, choices=ClipType.choices, default=ClipType.CLIP)
    name = models.CharField(max_length=255)
    notes = models.TextField(blank=True, default="")
    tape = models.CharField(max_length=255, blank=True, default="")
    bin = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=64, blank=True, default="")
    clipref = models.CharField(max_length=64, blank=True, default="")
    recorded_date = models.DateTimeField(null=True, blank=True)
    tc_format = models.PositiveSmallIntegerField(choices=TIMECODE_FORMAT_CHOICES, default=25)
    in_frm = models.PositiveIntegerField(default=0)
    out_frm = models.PositiveIntegerField(default=0)
    in2_frm = models.PositiveIntegerField(null=True, blank=True)
    out2_frm = models.PositiveIntegerField(null=True, blank=True)
    media_start_frm = models.PositiveIntegerField(default=0)
    media_end_frm = models.PositiveIntegerField(default=0)
    poster_frm = models.PositiveIntegerField(null=True, blank=True)
    duration_secs = models.FloatField(default=0.0, editable=False, help_text="(out - in) in seconds, kept for queries and sorting.")
    user_fields = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Bumped by every change: the ETag.")
    # A version stack: every member points to the stack's first asset (the first points to itself) and has
    # its place in it (1, 2, …); the highest is the head. An asset in no stack is version 1 and its own head.
    stack = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="stack_members", editable=False,
        help_text="The first asset of the version stack this asset is in; empty when in none.",
    )
    stack_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_head = models.BooleanField(default=True, editable=False, help_text="The highest version of its stack.")
    # Not a ForeignKey to exports.Export: that model is a layer above; the id is enough to link back to it.
    source_export_id = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False, help_text="The render this asset was published from.",
    )
    history = HistoricalRecords(excluded_fields=["version", "duration_secs"])

    class Meta(CatalogContent.Meta):
        indexes = [
            models.Index(fields=["catalog", "id"]),
            models.Index(fields=["catalog", "name"]),
            models.Index(fields=["catalog", "status"]),
            models.Index(fields=["catalog", "type"]),
            models.Index(fields=["recorded_date"]),
            models.Index(fields=["date_updated"]),
            models.Index(fields=["catalog", "is_head"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def timecode_format(self) -> TimecodeFormat:
        return timecode_format(self.tc_format)

    @property
    def duration_frm(self) -> int:
        return max(self.out_frm - self.in_frm, 0)

    @property
    def version_number(self) -> int:
        """The asset's place in its version stack (1 when in none)."""
        return self.stack_version or 1

    @property
    def etag(self) -> str:
        return f'"asset-{self.pk}-v{self.version}"'


class Marker(CatalogContent):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="markers")
    name = models.CharField(max_length=255)
    category = models.CharField(max_length=64, blank=True, default="")
    in_frm = models.PositiveIntegerField()
    out_frm = models.PositiveIntegerField(null=True, blank=True, help_text="Set when the marker is a range.")
    description = models.TextField(blank=True, default="")
    colour = models.CharField(max_length=7, blank=True, default="", help_text="#rrggbb")
    history = HistoricalRecords()

    class Meta(CatalogContent.Meta):
        ordering = ["in_frm", "id"]
        indexes = [models.Index(fields=["asset", "in_frm"])]

    def __str__(self) -> str:
        return self.name


class SequenceItem(models.Model):
    sequence = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="seq_items")
    track = models.PositiveSmallIntegerField(default=1)
    seq_in_frm = models.PositiveIntegerField()
    seq_out_frm = models.PositiveIntegerField()
    source = models.ForeignKey(
        # CASCADE, not PROTECT: deleting a whole catalog (or its owner) takes sequences and sources together;
        # deleting one asset a sequence still uses is refused by the API (services.asset_delete).
        Asset, on_delete=models.CASCADE, related_name="used_in_sequences",
        help_text="The asset this item cuts from; the API refuses to delete it while a sequence uses it.",
    )
    clip_in_frm = models.PositiveIntegerField()
    clip_out_frm = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["track", "seq_in_frm", "id"]
        indexes = [models.Index(fields=["sequence", "track", "seq_in_frm"])]

    def __str__(self) -> str:
        return f"Item on track {self.track} of sequence {self.sequence_id}"


class FieldType(models.TextChoices):
    TEXT = "text", "Text (one line)"
    MULTILINE = "multiline", "Multi-line text"
    INTEGER = "integer", "Integer"
    DECIMAL = "decimal", "Decimal number"
    DATE = "date", "Date"
    DATETIME = "datetime", "Date and time"
    BOOLEAN = "boolean", "Yes/no"
    CHOICE = "choice", "Picklist (one option)"
    MULTICHOICE = "multichoice", "Picklist (several options)"
    URL = "url", "URL"


class MetadataField(models.Model):
    """A typed user field: global when `catalog` is empty, else only in that catalog."""

    identifier = models.SlugField(
        max_length=64, help_text="The key values are stored and queried under (user.<identifier>); cannot change."
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    type = models.CharField(max_length=16, choices=FieldType.choices)
    options = models.JSONField(default=list, blank=True, help_text="The picklist options, in order.")
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, null=True, blank=True, related_name="fields")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["identifier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["catalog", "identifier"], name="field_identifier_once_per_catalog"),
            models.UniqueConstraint(
                fields=["identifier"], condition=models.Q(catalog__isnull=True), name="global_field_identifier_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"


class SmartFolder(OwnedModel):
    """A named, saved query: its assets are whatever matches when it is opened."""

    name = models.CharField(max_length=255)
    notes = models.TextField(blank=True, default="")
    catalog = models.ForeignKey(
        Catalog, on_delete=models.CASCADE, null=True, blank=True, related_name="smart_folders",
        help_text="Only assets of this catalog; all readable catalogs when empty.",
    )
    query = models.TextField(blank=True, default="", help_text="CatDV filter syntax, e.g. ((clip.name)has(car)).")
    terms = models.JSONField(default=list, blank=True, help_text="The structured form: CatDV QueryTerm objects.")
    history = HistoricalRecords()

    class Meta(OwnedModel.Meta):
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


class SmartFolderShare(GroupShare):
    folder = models.ForeignKey(SmartFolder, on_delete=models.CASCADE, related_name="shares")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["folder", "group"], name="smart_folder_share_once_per_group")]
