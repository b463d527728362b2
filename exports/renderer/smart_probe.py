"""What a smart render must know of a source: its stream's facts and where its GOPs are.

Read with PyAV by demuxing only (no decoding): the packets' timestamps give
each packet its display frame index; the keyframes' NAL unit types say
whether a GOP starts with an IDR (H.264 type 5; HEVC IDR, or a CRA/BLA
with no leading picture), the only start from which a copied GOP provably
references nothing before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import av

from .smart import StreamFacts

#: HEVC NAL types a GOP may start at: BLA (16-18), IDR (19, 20), CRA (21)
HEVC_CLEAN_STARTS = {16, 17, 18, 19, 20, 21}
H264_IDR = 5


@dataclass(frozen=True)
class PacketEntry:
    frame: int  # display frame index (0-based)
    decode: int  # decode order index (0-based)
    key: bool
    clean: bool  # a keyframe that starts a GOP nothing before it can be referenced from (IDR)
    size: int


@dataclass(frozen=True)
class SourceIndex:
    facts: StreamFacts
    packets: tuple[PacketEntry, ...]  # in decode order
    extradata: bytes
    nal_length_size: int  # 0: the packets are Annex B (MPEG-TS)
    quality: tuple[str, str] | None  # ("crf", "23.0") or ("bitrate", "1200") from the encoder's settings SEI
    bit_rate: int
    first_pts: int  # the video's first timestamp (stream time base)
    frame_ticks: Fraction  # one frame's duration in the stream's time base
    video_start: float  # seconds from the file's start (what ffmpeg's -ss counts from) to the video's first frame
    colour: tuple[int, int, int, int]  # primaries, transfer, matrix, range (FFmpeg's numbers; 2/0 unspecified)

    def frame_of(self, pts: int) -> int:
        return round((pts - self.first_pts) / self.frame_ticks)


def stream_facts(path: str) -> StreamFacts:
    """The facts a stream's header gives (no packets read: frame rate constancy and frame count unknown)."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        context = stream.codec_context
        return StreamFacts(path=path, container=container.format.name.split(",")[0], codec=context.name,
                           profile=str(context.profile or ""), level=int(getattr(context, "level", 0) or 0),
                           width=context.width, height=context.height, pix_fmt=str(context.pix_fmt or ""),
                           fps=Fraction(stream.guessed_rate or stream.average_rate or 0),
                           field_order=_field_order(getattr(context, "field_order", None)),
                           time_base=Fraction(stream.time_base))


def source_index(path: str) -> SourceIndex:
    """Demux the file's first video stream; the facts and every packet's frame index."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        context = stream.codec_context
        codec = stream.codec_context.name
        time_base = Fraction(stream.time_base)
        fps = Fraction(stream.guessed_rate or stream.average_rate or 0)
        extradata = bytes(context.extradata or b"")
        length_size = _nal_length_size(codec, extradata)
        raw: list[tuple[int, bool, bool, int]] = []
        quality = None
        for packet in container.demux(stream):
            if packet.size == 0 or packet.pts is None:
                continue
            data = bytes(packet)
            if quality is None and len(raw) < 2:
                quality = _encoder_quality(data)
            clean = packet.is_keyframe and _starts_clean(codec, data, length_size)
            raw.append((packet.pts, packet.is_keyframe, clean, packet.size))
        bit_rate = int(stream.bit_rate or context.bit_rate or 0)
        container_name = container.format.name.split(",")[0]
        field_order = _field_order(getattr(context, "field_order", None))
        profile = str(context.profile or "")
        level = int(getattr(context, "level", 0) or 0)
        pix_fmt = str(context.pix_fmt or "")
        width, height = context.width, context.height
        colour = tuple(int(getattr(context, name, 0) or 0)
                       for name in ("color_primaries", "color_trc", "colorspace", "color_range"))
        file_start = (container.start_time or 0) / 1_000_000
    first = min((pts for pts, *_ in raw), default=0)
    duration = 1 / (fps * time_base) if fps and time_base else Fraction(0)
    packets, constant = [], bool(duration)
    for decode, (pts, key, clean, size) in enumerate(raw):
        exact = (pts - first) / duration if duration else Fraction(0)
        frame = round(exact)
        constant = constant and abs(exact - frame) < Fraction(1, 4)
        packets.append(PacketEntry(frame, decode, key, clean, size))
    frames = sorted(entry.frame for entry in packets)
    constant = constant and frames == list(range(len(frames)))
    facts = StreamFacts(path=path, container=container_name, codec=codec, profile=profile, level=level, width=width,
                        height=height, pix_fmt=pix_fmt, fps=fps, field_order=field_order, time_base=time_base,
                        constant_rate=constant, frame_count=len(packets))
    video_start = float(first * time_base) - file_start
    return SourceIndex(facts, tuple(packets), extradata, length_size, quality, bit_rate, first,
                       duration or Fraction(1), video_start, colour)


FIELD_ORDERS = {0: "unknown", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}


def _field_order(value) -> str:
    try:
        return FIELD_ORDERS.get(int(value), str(value))
    except (TypeError, ValueError):
        return str(value or "unknown").lower()


def _nal_length_size(codec: str, extradata: bytes) -> int:
    if codec == "h264" and len(extradata) > 4 and extradata[0] == 1:
        return (extradata[4] & 3) + 1
    if codec == "hevc" and len(extradata) > 22 and extradata[0] == 1:
        return (extradata[21] & 3) + 1
    return 0


def nal_units(data: bytes, length_size: int) -> list[bytes]:
    """The NAL units of a packet: length-prefixed (length_size bytes) or, with 0, Annex B start codes."""
    units = []
    if length_size:
        at = 0
        while at + length_size <= len(data):
            size = int.from_bytes(data[at:at + length_size], "big")
            at += length_size
            units.append(data[at:at + size])
            at += size
        return units
    for part in re.split(b"\x00\x00\x01", data):
        part = part.rstrip(b"\x00") if part else part
        if part:
            units.append(part)
    return units


def nal_type(codec: str, unit: bytes) -> int:
    if not unit:
        return -1
    return unit[0] & 0x1F if codec == "h264" else (unit[0] >> 1) & 0x3F


def _starts_clean(codec: str, data: bytes, length_size: int) -> bool:
    types = {nal_type(codec, unit) for unit in nal_units(data, length_size)}
    if codec == "h264":
        return H264_IDR in types
    return bool(types & HEVC_CLEAN_STARTS)


_QUALITY = re.compile(rb"\brc=(crf|abr|cbr|cqp)\b.*?\b(?:crf|bitrate|qp)=([\d.]+)")


def _encoder_quality(data: bytes) -> tuple[str, str] | None:
    """x264/x265's settings string (an SEI in the first packet): its rate control, if it is there."""
    match = _QUALITY.search(data)
    if not match:
        return None
    kind = match.group(1).decode()
    return ("crf" if kind == "crf" else "qp" if kind == "cqp" else "bitrate", match.group(2).decode())
