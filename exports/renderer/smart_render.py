"""Running a smart render: re-encode the pieces around the cuts, copy the rest, mux the sound rendered once.

Steps, each cancellable between (and inside, for ffmpeg runs):

1. every ENCODE piece is decoded and re-encoded by ffmpeg alone, with the
   source's profile, level, pixel format and colour, the quality its encoder
   wrote in its settings (CRF or bitrate), one IDR and no B-frames (so the
   piece references nothing outside it);
2. the sound is the full render's own: the same graph rendered as an audio
   export (`build_render` with the export type audio), once for the whole
   timeline, so no seam can appear at a join;
3. the video is muxed with PyAV: COPY pieces' packets unchanged (bit for
   bit), the encoded pieces' packets; each piece's first packet carries its
   parameter sets (SPS/PPS, and VPS for HEVC) in band, because a piece from
   the other encoder overrides them. Timestamps are renumbered in output
   frames, decode times one shared delay behind so they always rise;
4. ffmpeg joins video and sound by copying, with +faststart.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Callable, Sequence

import av

from config.media.ffmpeg import FfmpegCancelled, FfmpegFailed, FfmpegNotStarted, FfmpegTimedOut, run_ffmpeg

from . import encoding
from .errors import RenderCancelled, RenderFailed, RenderTimedOut
from .graph import build_render
from .run import explain_failure, run_render
from .smart import SmartDecision
from .smart_pieces import ENCODE, Piece, gops, smart_pieces
from .smart_probe import SourceIndex, nal_type, nal_units
from .timeline import ExportType, Timeline

X264_PROFILES = {"constrained baseline": "baseline", "baseline": "baseline", "main": "main", "high": "high",
                 "high 10": "high10", "high 4:2:2": "high422", "high 4:4:4 predictive": "high444"}
X265_PROFILES = {"main": "main", "main 10": "main10", "main still picture": "mainstillpicture", "rext": "main444-8"}
#: access unit delimiters: parameter sets go after one
AUD = {"h264": 9, "hevc": 35}
#: NAL types of parameter sets: H.264 SPS, PPS, SPS extension; HEVC VPS, SPS, PPS
PARAMETER_SETS = {"h264": {7, 8, 13}, "hevc": {32, 33, 34}}
DEFAULT_CRF = "18"
TS_SEEK_MARGIN = 10  # seconds
#: the runs are short (a GOP or two): the runner's default 0.25 s poll would add a quarter second to each
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class SmartResult:
    pieces: tuple[Piece, ...]
    copied_frames: int
    encoded_frames: int
    wall_seconds: float


def smart_render(
    timeline: Timeline,
    decision: SmartDecision,
    indexes: dict[str, SourceIndex],
    *,
    output_path: str,
    workdir: str,
    on_progress: Callable[[float], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    time_limit: float | None = None,
) -> SmartResult:
    started = time.monotonic()
    os.makedirs(workdir, exist_ok=True)
    output = timeline.output
    pieces = smart_pieces(decision.runs, {path: gops(index.packets) for path, index in indexes.items()})
    total = sum(piece.count for piece in pieces)
    encoded = sum(piece.count for piece in pieces if piece.kind == ENCODE)
    steps = _Steps(should_cancel, time_limit, started, on_progress, weight=encoded + total // 10 + 1)

    encoded_files: dict[int, str] = {}
    for number, piece in enumerate(pieces):
        if piece.kind == ENCODE:
            path = os.path.join(workdir, f"piece-{number}.mp4")
            steps.ffmpeg(_encode_args(piece, indexes[piece.path], output.fps, path, preset=output.preset),
                         frames=piece.count)
            encoded_files[number] = path

    full = build_render(timeline, output_path=os.path.join(workdir, "unused"), workdir=workdir)
    has_audio = full.args.count("-map") > 1
    sound = None
    if has_audio:
        extension = "mov" if encoding.muxer(output) == "mov" else "mp4"
        sound = os.path.join(workdir, f"sound.{extension}")
        audio_output = replace(output, export_type=ExportType.AUDIO)
        plan = build_render(replace(timeline, output=audio_output), output_path=sound,
                            workdir=os.path.join(workdir, "sound"))
        steps.check()
        try:
            run_render(plan, should_cancel=should_cancel, time_limit=steps.remaining())
        except RenderFailed as error:
            raise RenderFailed(f"The sound could not be rendered: {error}", error.log_tail) from None
        steps.advance(total // 20)

    steps.check()
    video = os.path.join(workdir, f"video.{'mov' if encoding.muxer(output) == 'mov' else 'mp4'}")
    _mux_video(pieces, indexes, encoded_files, output.fps, video)
    steps.advance(total // 40)

    args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", video]
    if sound:
        args += ["-i", sound, "-map", "0:v:0", "-map", "1:a:0"]
    args += ["-c", "copy", *encoding.container_options(output), output_path]
    steps.ffmpeg(args, frames=0)
    return SmartResult(tuple(pieces), total - encoded, encoded, time.monotonic() - started)


class _Steps:
    """Cancel, time limit and progress across the render's steps."""

    def __init__(self, should_cancel, time_limit, started, on_progress, weight):
        self.should_cancel, self.time_limit, self.started = should_cancel, time_limit, started
        self.on_progress, self.weight, self.done = on_progress, max(1, weight), 0

    def check(self) -> None:
        if self.should_cancel is not None and self.should_cancel():
            raise RenderCancelled("The render was cancelled.")
        if self.remaining() is not None and self.remaining() <= 0:
            raise RenderTimedOut(f"The render took longer than its time limit of {self.time_limit:g} s.")

    def remaining(self) -> float | None:
        return None if self.time_limit is None else self.time_limit - (time.monotonic() - self.started)

    def advance(self, amount: int) -> None:
        self.done += amount
        if self.on_progress is not None:
            self.on_progress(min(99.0, 100.0 * self.done / self.weight))

    def ffmpeg(self, args: list[str], *, frames: int) -> None:
        self.check()
        try:
            run_ffmpeg(args, frame_count=frames, should_cancel=self.should_cancel,
                       time_limit=self.remaining(), poll_interval=POLL_SECONDS)
        except FfmpegCancelled:
            raise RenderCancelled("The render was cancelled.") from None
        except FfmpegTimedOut:
            raise RenderTimedOut(f"The render took longer than its time limit of {self.time_limit:g} s.") from None
        except FfmpegNotStarted as error:
            raise RenderFailed(str(error)) from None
        except FfmpegFailed as error:
            raise RenderFailed(explain_failure(error.log_tail, error.returncode), error.log_tail) from None
        self.advance(frames)


def _encode_args(piece: Piece, index: SourceIndex, fps: Fraction, target: str, *, preset: str | None = None
                 ) -> list[str]:
    """ffmpeg re-encoding source frames [src_first, src_end) of the piece's file like its encoder did.

    The export's speed preset applies (as it would to a full render); the quality is the source's.
    """
    facts = index.facts
    args = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    at = index.video_start + (piece.src_first - 0.5) / float(fps)  # half a frame early: the first kept is src_first
    later = []
    if piece.src_first > 0 and index.nal_length_size == 0:
        # MPEG-TS has no index: its seek may land past the GOP's keyframe. Seek well before, keep the source's
        # timestamps, and trim at the frame's own time.
        early = max(0.0, at - TS_SEEK_MARGIN)
        args += ["-copyts", *(["-ss", f"{early:.6f}"] if early > 0 else [])]
        start = float(index.first_pts * index.facts.time_base) + (piece.src_first - 0.5) / float(fps)
        later = ["-vf", f"trim=start={start:.6f},setpts=PTS-STARTPTS"]
    elif piece.src_first > 0:  # accurate seek
        args += ["-ss", f"{at:.6f}"]
    args += ["-i", facts.path, *later, "-map", "0:v:0", "-an", "-sn", "-dn", "-frames:v", str(piece.count),
             "-fps_mode", "passthrough", "-pix_fmt", facts.pix_fmt]
    primaries, transfer, matrix, colour_range = index.colour
    for option, value, unspecified in (("-color_primaries", primaries, 2), ("-color_trc", transfer, 2),
                                       ("-colorspace", matrix, 2), ("-color_range", colour_range, 0)):
        if value != unspecified:
            args += [option, str(value)]
    quality = _quality_args(index)
    profile = facts.profile.strip().lower()
    if facts.codec == "h264":
        args += ["-c:v", "libx264", "-bf", "0", "-g", str(piece.count + 1), "-forced-idr", "1"]
        if profile in X264_PROFILES:
            args += ["-profile:v", X264_PROFILES[profile]]
        if facts.level > 0:
            args += ["-level:v", f"{facts.level / 10:g}"]
    else:
        params = f"bframes=0:keyint={piece.count + 1}:log-level=error"
        args += ["-c:v", "libx265", "-x265-params", params]
        if profile in X265_PROFILES:
            args += ["-profile:v", X265_PROFILES[profile]]
    if preset and preset.isalpha():
        args += ["-preset", preset]
    return args + quality + ["-f", "mp4", target]


def _quality_args(index: SourceIndex) -> list[str]:
    kind, value = index.quality or ("crf", DEFAULT_CRF)
    if kind == "crf":
        return ["-crf", value]
    if kind == "qp":
        return ["-qp", value]
    rate = int(float(value) * 1000) if kind == "bitrate" else index.bit_rate
    return ["-b:v", str(rate or index.bit_rate)] if (rate or index.bit_rate) else ["-crf", DEFAULT_CRF]


# --- muxing ---------------------------------------------------------------------------------------


def parameter_sets(codec: str, extradata: bytes) -> list[bytes]:
    """The SPS/PPS (and VPS) NAL units in an avcC/hvcC record or Annex B extradata (not its SEI)."""
    return [unit for unit in _extradata_units(codec, extradata) if nal_type(codec, unit) in PARAMETER_SETS[codec]]


def _extradata_units(codec: str, extradata: bytes) -> list[bytes]:
    if not extradata:
        return []
    if extradata[0] != 1:
        return nal_units(extradata, 0)
    units, at = [], 0
    if codec == "h264":
        at = 5
        for mask in (0x1F, 0xFF):
            count = extradata[at] & mask
            at += 1
            for _ in range(count):
                size = int.from_bytes(extradata[at:at + 2], "big")
                units.append(extradata[at + 2:at + 2 + size])
                at += 2 + size
        return units
    arrays, at = extradata[22], 23
    for _ in range(arrays):
        count = int.from_bytes(extradata[at + 1:at + 3], "big")
        at += 3
        for _ in range(count):
            size = int.from_bytes(extradata[at:at + 2], "big")
            units.append(extradata[at + 2:at + 2 + size])
            at += 2 + size
    return units


def _frame(units: Sequence[bytes], length_size: int) -> bytes:
    if not length_size:
        return b"".join(b"\x00\x00\x00\x01" + unit for unit in units)
    return b"".join(len(unit).to_bytes(length_size, "big") + unit for unit in units)


def _with_parameter_sets(codec: str, units: list[bytes], sets: list[bytes]) -> list[bytes]:
    head = 1 if units and nal_type(codec, units[0]) == AUD[codec] else 0
    return units[:head] + sets + units[head:]


def _piece_packets(piece: Piece, index: SourceIndex | None, encoded: str | None, codec: str):
    """(data as NAL units, output frame index, keyframe) for the piece's packets, in decode order."""
    path = encoded or piece.path
    with av.open(path) as container:
        stream = container.streams.video[0]
        extradata = bytes(stream.codec_context.extradata or b"")
        length_size = (extradata[4] & 3) + 1 if codec == "h264" and extradata[:1] == b"\x01" else \
            (extradata[21] & 3) + 1 if codec == "hevc" and extradata[:1] == b"\x01" else 0
        sets = parameter_sets(codec, extradata)
        if encoded is None:
            seek = index.first_pts + int(piece.src_first * index.frame_ticks)
            if index.nal_length_size == 0:  # MPEG-TS seeks by byte position, maybe past the keyframe: go early
                seek -= int(TS_SEEK_MARGIN / stream.time_base)
            if seek > index.first_pts:
                container.seek(seek, stream=stream, backward=True, any_frame=False)
        decode = 0
        for packet in container.demux(stream):
            if packet.size == 0 or packet.pts is None:
                continue
            if encoded is not None:
                frame, local = decode, decode  # no B-frames: decode order is display order
            else:
                local = index.frame_of(packet.pts)
                if local >= piece.src_end and packet.is_keyframe:
                    break
                if not piece.src_first <= local < piece.src_end:
                    continue
                frame = local - piece.src_first
            units = nal_units(bytes(packet), length_size)
            if decode == 0:
                units = _with_parameter_sets(codec, units, sets)
            yield units, piece.out_start + frame, bool(packet.is_keyframe)
            decode += 1


def _mux_video(pieces: Sequence[Piece], indexes: dict[str, SourceIndex], encoded: dict[int, str], fps: Fraction,
               target: str) -> None:
    first = indexes[pieces[0].path]
    codec = first.facts.codec
    length_size = first.nal_length_size
    packets = []
    for number, piece in enumerate(pieces):
        packets.extend(_piece_packets(piece, indexes[piece.path], encoded.get(number), codec))
    expected = sum(piece.count for piece in pieces)
    if len(packets) != expected:
        raise RenderFailed(f"The smart render found {len(packets)} frames where it expected {expected}; "
                           "render with json.smart false.")
    delay = max(0, max(decode - frame for decode, (_, frame, _) in enumerate(packets)))
    time_base = Fraction(fps.denominator, fps.numerator)
    with av.open(first.facts.path) as source, av.open(target, "w") as out:
        stream = out.add_stream_from_template(source.streams.video[0])
        stream.time_base = time_base
        for decode, (units, frame, key) in enumerate(packets):
            packet = av.Packet(_frame(units, length_size))
            packet.stream = stream
            packet.time_base = time_base
            packet.pts, packet.dts, packet.duration = frame, decode - delay, 1
            packet.is_keyframe = key
            out.mux(packet)
