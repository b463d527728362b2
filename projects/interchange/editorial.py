"""The timeline for other editors: CMX 3600 EDL, Final Cut Pro 7 XML and OpenTimelineIO.

The project is first turned into an OpenTimelineIO timeline, then OTIO's
own adapters write it (`cmx_3600` from otio-cmx3600-adapter, `fcp_xml`
from otio-fcp-adapter, `otio_json`), so the files are what other OTIO-based
tools read and write. Times are whole frames at the project's frame rate:
a clip covers timeline frames round(position*fps) to round((position +
duration)*fps) and starts at source frame round(start*fps), as the
renderer shows it (SPEC §3).

* EDL: one layer (`json.layer`), one video track. Clips that overlap on
  the layer are cut to what is visible (a later clip is drawn over an
  earlier one), so the EDL shows the same picture. Timecode is drop-frame
  at 29.97 and 59.94 fps (with `FCM: DROP FRAME`), non-drop otherwise; a
  frame rate with no SMPTE timecode (15, 12.5 fps ...) is refused.
* FCP 7 XML (xmeml): every layer, lowest first; clips that overlap on a
  layer go onto extra tracks above it. Clips with sound also get an audio
  track item. The sequence declares the project's size.
* OTIO: as the XML, plus Montage's own data in `metadata["montage"]`
  (every clip's json, the timeline effects, the project settings), so
  `load/` restores an exported `.otio` exactly (see `otio_reading`).

Media is referenced by `media_url(file)`: relative paths inside the
downloaded ZIP (`media/intro.mp4`).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

import opentimelineio as otio
from opentimelineio import opentime

from config.media.timeline import MAX_TIMELINE_END_SECONDS, MAX_TIMELINE_SECONDS, seconds_to_frame
from media_assets.models import File
from projects.interchange.osp import PROJECT_JSON_KEYS, project_settings
from projects.models import Clip, Effect, Project

MONTAGE = "montage"


class FormatError(ValueError):
    """The project cannot be written in the asked format; the message says why (a 400)."""


@dataclass(frozen=True)
class _Cut:
    clip: Clip
    record_in: int  # timeline frame (0-based)
    record_out: int  # exclusive
    source_in: int  # source frame (0-based)

    @property
    def frames(self) -> int:
        return self.record_out - self.record_in


def _frame(seconds: float, fps: Fraction) -> int:
    return seconds_to_frame(seconds, fps)


def _check_times(clip: Clip) -> None:
    """Times no timecode can hold are a 400 naming the clip, not an overflow."""
    for name in ("position", "start", "end"):
        value = getattr(clip, name)
        if not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > MAX_TIMELINE_SECONDS:
            raise FormatError(f"Clip {clip.pk} has a {name} of {value!r} seconds, which no timeline can hold; "
                              f"fix it (0 to {MAX_TIMELINE_SECONDS:.0f} s) before exporting.")
    if not math.isfinite(clip.duration) or abs(clip.position + clip.duration) > MAX_TIMELINE_END_SECONDS:
        raise FormatError(f"Clip {clip.pk} ends past {MAX_TIMELINE_END_SECONDS:.0f} seconds; fix it before exporting.")


def _cuts(clips: list[Clip], fps: Fraction) -> list[_Cut]:
    cuts = []
    for clip in clips:
        _check_times(clip)
        record_in = _frame(clip.position, fps)
        record_out = _frame(clip.position + clip.duration, fps)
        if record_out > record_in:
            cuts.append(_Cut(clip, record_in, record_out, _frame(clip.start, fps)))
    return cuts


def _lanes(cuts: list[_Cut]) -> list[list[_Cut]]:
    """Cuts spread over as few non-overlapping lanes as needed; later-starting overlaps go higher."""
    lanes: list[list[_Cut]] = []
    for cut in sorted(cuts, key=lambda c: (c.record_in, c.clip.pk)):
        lane = next((lane for lane in lanes if lane[-1].record_out <= cut.record_in), None)
        if lane is None:
            lanes.append([cut])
        else:
            lane.append(cut)
    return lanes


def _visible(cuts: list[_Cut]) -> list[_Cut]:
    """What one layer shows: each cut minus the parts covered by cuts drawn over it (later position wins)."""
    ordered = sorted(cuts, key=lambda c: (c.record_in, c.clip.pk))
    pieces: list[_Cut] = []
    for index, cut in enumerate(ordered):
        spans = [(cut.record_in, cut.record_out)]
        for above in ordered[index + 1:]:
            spans = [part for lo, hi in spans for part in _subtract(lo, hi, above.record_in, above.record_out)]
        for lo, hi in spans:
            pieces.append(_Cut(cut.clip, lo, hi, cut.source_in + (lo - cut.record_in)))
    return sorted(pieces, key=lambda c: c.record_in)


def _subtract(lo: int, hi: int, cut_lo: int, cut_hi: int) -> list[tuple[int, int]]:
    if cut_hi <= lo or cut_lo >= hi:
        return [(lo, hi)]
    return [(a, b) for a, b in ((lo, cut_lo), (cut_hi, hi)) if b > a]


# --- building the OTIO timeline ------------------------------------------------------------------


class _Builder:
    def __init__(self, project: Project, media_url: Callable[[File], str], *, with_montage: bool):
        self.project = project
        self.fps = Fraction(project.fps_num, project.fps_den)
        self.rate = float(self.fps)
        self.media_url = media_url
        self.with_montage = with_montage
        self.references: dict[int, otio.schema.ExternalReference] = {}

    def time(self, frames: int) -> opentime.RationalTime:
        return opentime.RationalTime(frames, self.rate)

    def reference(self, file: File) -> otio.schema.ExternalReference:
        probe = file.json or {}
        length = _frame(float(probe.get("duration") or 0.0), self.fps)
        reference = otio.schema.ExternalReference(
            target_url=self.media_url(file),
            available_range=opentime.TimeRange(self.time(0), self.time(max(length, 1))),
        )
        reference.name = file.name
        media: dict[str, Any] = {}
        if probe.get("has_video") and probe.get("media_type") != "audio":
            media["video"] = {"samplecharacteristics": {"width": probe.get("width", 0), "height": probe.get("height", 0)}}
        if probe.get("has_audio"):
            media["audio"] = {"channelcount": probe.get("channels", 2)}
        reference.metadata["fcp_xml"] = {"media": media}
        if self.with_montage:
            reference.metadata[MONTAGE] = {"file_id": file.pk, "path": file.media.name,
                                           "json": {k: v for k, v in probe.items() if k in ("name",)}}
        return reference

    def otio_clip(self, cut: _Cut, *, audio_copy: bool = False) -> otio.schema.Clip:
        clip = cut.clip
        item = otio.schema.Clip(
            name=clip.file.name,
            media_reference=self.reference(clip.file),
            source_range=opentime.TimeRange(self.time(cut.source_in), self.time(cut.frames)),
        )
        if self.with_montage:
            item.metadata[MONTAGE] = {"audio_of": clip.pk} if audio_copy else {
                "id": clip.pk, "file_id": clip.file_id, "layer": clip.layer, "position": clip.position,
                "start": clip.start, "end": clip.end, "json": copy.deepcopy(clip.json or {}),
            }
        return item

    def track(self, name: str, kind: str, cuts: list[_Cut]) -> otio.schema.Track:
        """A track of the cuts with gaps between; on an audio track a picture clip's sound is marked as a copy."""
        track = otio.schema.Track(name=name, kind=kind)
        cursor = 0
        for cut in sorted(cuts, key=lambda c: c.record_in):
            if cut.record_in > cursor:
                track.append(otio.schema.Gap(source_range=opentime.TimeRange(self.time(0), self.time(cut.record_in - cursor))))
            audio_copy = kind == otio.schema.TrackKind.Audio and _has_picture(cut.clip.file)
            track.append(self.otio_clip(cut, audio_copy=audio_copy))
            cursor = cut.record_out
        return track

    def timeline(self, tracks: list[otio.schema.Track]) -> otio.schema.Timeline:
        timeline = otio.schema.Timeline(name=self.project.name, global_start_time=self.time(0))
        for track in tracks:
            timeline.tracks.append(track)
        return timeline


def _clips(project: Project) -> list[Clip]:
    return list(Clip.objects.filter(project=project).select_related("file").order_by("layer", "position", "id"))


def project_otio(project: Project, *, media_url: Callable[[File], str], with_montage: bool = True) -> otio.schema.Timeline:
    """Every layer as video tracks (lowest first), and the clips with sound on audio tracks."""
    builder = _Builder(project, media_url, with_montage=with_montage)
    clips = _clips(project)
    tracks = []
    for layer in sorted({clip.layer for clip in clips}):
        pictures = [c for c in clips if c.layer == layer and _has_picture(c.file)]
        for lane_index, lane in enumerate(_lanes(_cuts(pictures, builder.fps))):
            tracks.append(builder.track(_track_name("V", layer, lane_index), otio.schema.TrackKind.Video, lane))
    for layer in sorted({clip.layer for clip in clips}):
        sounds = [c for c in clips if c.layer == layer and (c.file.json or {}).get("has_audio")]
        for lane_index, lane in enumerate(_lanes(_cuts(sounds, builder.fps))):
            tracks.append(builder.track(_track_name("A", layer, lane_index), otio.schema.TrackKind.Audio, lane))
    timeline = builder.timeline(tracks)
    if with_montage:
        timeline.metadata[MONTAGE] = {
            "version": 1,
            "settings": project_settings(project),
            "project_json": {key: project.json[key] for key in PROJECT_JSON_KEYS if key in (project.json or {})},
            "effects": [_effect_data(effect) for effect in Effect.objects.filter(project=project).order_by("id")],
        }
    return timeline


def _has_picture(file: File) -> bool:
    probe = file.json or {}
    return bool(probe.get("has_video")) and probe.get("media_type") != "audio"


def _track_name(kind: str, layer: int, lane: int) -> str:
    return f"{kind} layer {layer}" + (f" ({lane + 1})" if lane else "")


def _effect_data(effect: Effect) -> dict:
    return {"type": effect.type, "title": effect.title, "position": effect.position, "start": effect.start,
            "end": effect.end, "layer": effect.layer, "json": copy.deepcopy(effect.json or {})}


# --- the formats -----------------------------------------------------------------------------------


def edl_text(project: Project, *, layer: int, media_url: Callable[[File], str]) -> str:
    """A CMX 3600 EDL of one layer's picture."""
    builder = _Builder(project, media_url, with_montage=False)
    if not otio.opentime.RationalTime.is_valid_timecode_rate(builder.rate):
        raise FormatError(
            f"EDL timecode needs a SMPTE frame rate (23.976, 24, 25, 29.97, 30, 48, 50, 59.94 or 60 fps); "
            f"this project is {project.fps_num}/{project.fps_den} fps."
        )
    clips = [clip for clip in _clips(project) if clip.layer == layer]
    if not clips:
        used = sorted(set(Clip.objects.filter(project=project).values_list("layer", flat=True)))
        raise FormatError(f"Layer {layer} has no clips; layers with clips: {', '.join(map(str, used)) or 'none'}.")
    track = builder.track("V", otio.schema.TrackKind.Video, _visible(_cuts(clips, builder.fps)))
    timeline = otio.schema.Timeline(name=_edl_title(project.name), global_start_time=builder.time(0))
    timeline.tracks.append(track)
    text = _written(timeline, "cmx_3600", rate=builder.rate, style="avid")
    drop_frame = builder.fps in (Fraction(30000, 1001), Fraction(60000, 1001))
    lines = text.split("\n")
    lines.insert(1, "FCM: DROP FRAME" if drop_frame else "FCM: NON-DROP FRAME")
    return "\r\n".join(lines).rstrip("\r\n") + "\r\n"


def _edl_title(name: str) -> str:
    # CMX 3600 titles are one line of at most 70 printable ASCII characters
    text = "".join(ch if 32 <= ord(ch) < 127 else "_" for ch in name).strip()
    return text[:70] or "Montage project"


def fcp_xml_text(project: Project, *, media_url: Callable[[File], str]) -> str:
    """Final Cut Pro 7 XML (xmeml version 4) of every layer."""
    timeline = project_otio(project, media_url=media_url, with_montage=False)
    if not len(timeline.tracks):
        raise FormatError("The project has no clips to write.")
    return _with_sequence_format(_written(timeline, "fcp_xml"), project)


def _with_sequence_format(xml: str, project: Project) -> str:
    """The sequence's <format> filled in (the adapter leaves it empty), so editors make a sequence of the project's size."""
    fps = Fraction(project.fps_num, project.fps_den)
    ntsc = "FALSE" if fps.denominator == 1 else "TRUE"
    block = (
        "<format><samplecharacteristics>"
        f"<rate><timebase>{math.ceil(fps)}</timebase><ntsc>{ntsc}</ntsc></rate>"
        f"<width>{project.width}</width><height>{project.height}</height>"
        "<anamorphic>FALSE</anamorphic><pixelaspectratio>square</pixelaspectratio><fielddominance>none</fielddominance>"
        "</samplecharacteristics></format>"
    )
    return xml.replace("<format/>", block, 1) if xml.count("<format/>") == 1 else xml


def otio_text(project: Project, *, media_url: Callable[[File], str]) -> str:
    """OpenTimelineIO JSON, with Montage's data for an exact round trip."""
    return _written(project_otio(project, media_url=media_url), "otio_json")


def _written(timeline: otio.schema.Timeline, adapter: str, **options) -> str:
    try:
        return otio.adapters.write_to_string(timeline, adapter, **options)
    except (otio.exceptions.OTIOError, ValueError) as error:
        raise FormatError(f"The project cannot be written as {adapter}: {error}") from error
