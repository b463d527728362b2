"""An asset's review notes for an editor: CSV, and as markers (CMX 3600 EDL, FCP 7 XML, OpenTimelineIO).

The markers are written by OpenTimelineIO's own adapters (`cmx_3600`
writes `* LOC:` locators, `fcp_xml` clip markers, `otio_json` markers),
never by hand, so an editor's tool imports them onto its timeline. The
timeline has one clip: the asset's media from frame 0 (as the asset's
frames are counted), at the asset's frame rate; each top-level note with a
frame is a marker at that frame for its duration, red while open and
green once resolved, its replies in the marker's comment. Notes on the
whole asset have no frame and only appear in the CSV.
"""

from __future__ import annotations

import csv
import io

import opentimelineio as otio
from opentimelineio import opentime

from media_assets.catalog.models import Asset
from media_assets.timecode import frames_to_text
from review.models import Comment

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "edl": ("text/plain; charset=utf-8", "edl"),
    "xml": ("application/xml", "xml"),
    "otio": ("application/json", "otio"),
}


class ExportError(ValueError):
    """The notes cannot be written in that format (the message says why: a 400)."""


def _who(comment: Comment) -> str:
    return comment.author.get_username() if comment.author_id else f"{comment.guest_name} (guest)"


def _replies_text(comment: Comment) -> str:
    return " | ".join(f"{_who(reply)}: {reply.text}" for reply in comment.reply_list)


def notes_csv(asset: Asset, comments: list[Comment]) -> str:
    """frame, timecode, author, text, resolved, replies (inline), one top-level note a row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["frame", "timecode", "duration", "author", "text", "resolved", "version", "replies"])
    fmt = asset.timecode_format
    for comment in comments:
        writer.writerow([
            "" if comment.frame is None else comment.frame,
            "" if comment.frame is None else frames_to_text(comment.frame, fmt),
            comment.duration, _who(comment), comment.text, "yes" if comment.resolved else "no",
            comment.asset.version_number, _replies_text(comment),
        ])
    return out.getvalue()


def notes_timeline(asset: Asset, comments: list[Comment]) -> otio.schema.Timeline:
    """One clip of the asset's media with a marker for each note on a frame."""
    rate = float(asset.timecode_format.rate)
    last = max([asset.out_frm, *(c.frame + max(c.duration, 1) for c in comments if c.frame is not None)])
    clip = otio.schema.Clip(
        name=asset.name[:70] or f"asset {asset.pk}",
        source_range=opentime.TimeRange(opentime.RationalTime(0, rate), opentime.RationalTime(max(last, 1), rate)),
    )
    for comment in comments:
        if comment.frame is None:
            continue
        note = comment.text.replace("\r", " ").replace("\n", " ")
        replies = _replies_text(comment)
        marker = otio.schema.Marker(
            name=f"{_who(comment)}: {note}",
            marked_range=opentime.TimeRange(opentime.RationalTime(comment.frame, rate),
                                            opentime.RationalTime(comment.duration, rate)),
            color=otio.schema.MarkerColor.GREEN if comment.resolved else otio.schema.MarkerColor.RED,
            metadata={"montage": {"comment": comment.pk, "resolved": comment.resolved, "replies": replies}},
        )
        clip.markers.append(marker)
    track = otio.schema.Track(name="V", kind=otio.schema.TrackKind.Video)
    track.append(clip)
    timeline = otio.schema.Timeline(name=asset.name[:70] or "Montage notes",
                                    global_start_time=opentime.RationalTime(0, rate))
    timeline.tracks.append(track)
    return timeline


def notes_text(asset: Asset, comments: list[Comment], fmt: str) -> str:
    """The notes in `fmt` (csv, edl, xml, otio)."""
    if fmt == "csv":
        return notes_csv(asset, comments)
    timeline = notes_timeline(asset, comments)
    try:
        if fmt == "edl":
            text = otio.adapters.write_to_string(timeline, "cmx_3600", rate=float(asset.timecode_format.rate),
                                                 style="avid")
            drop = asset.timecode_format.drop_frame
            lines = text.split("\n")
            lines.insert(1, "FCM: DROP FRAME" if drop else "FCM: NON-DROP FRAME")
            return "\r\n".join(lines).rstrip("\r\n") + "\r\n"
        if fmt == "xml":
            return otio.adapters.write_to_string(timeline, "fcp_xml")
        return otio.adapters.write_to_string(timeline, "otio_json")
    except (otio.exceptions.OTIOError, ValueError) as error:
        raise ExportError(f"The notes cannot be written as {fmt}: {error}") from error
