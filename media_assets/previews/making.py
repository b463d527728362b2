"""Making a file's renditions: the worker side of the `file-previews` job.

One ffmpeg process per video or audio file (media_assets.previews.graph:
one decode, every output), progress reported to the job (which renews its
lease), the audio peaks read from a pipe while it runs; an image's
thumbnails with Pillow. Each output goes to the media storage under the
file's preview folder, and its Rendition row becomes ready with its size.

Never stuck: undecodable media fails the renditions with a reason a
person understands (the File itself is untouched and stays usable); a
file deleted before or while its job runs ends the job quietly, deleting
whatever it stored; a killed worker's job is re-run by the job machine's
sweeper.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
import logging
import os
import shutil
import tempfile
from pathlib import Path

import av
from django.conf import settings
from django.core.files import File as DjangoFile
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from config.jobs.machine import JobCancelled, JobFailed, JobReporter, job_run
from config.jobs.models import Job
from config.media.ffmpeg import FfmpegCancelled, FfmpegError, FfmpegFailed, FfmpegTimedOut, run_ffmpeg
from media_assets.fonts import font_file_paths
from media_assets.models import File
from media_assets.previews import sprites
from media_assets.previews.graph import (
    AUDIO_RATE,
    COUNTER_BYTES_PER_FRAME,
    DEFAULT_THUMBNAIL_AT,
    conform_rate,
    preview_plan,
    probe_rate,
    scaled,
)
from media_assets.previews.kinds import SPRITE, SPRITE_VTT, THUMBNAILS, WAVEFORM, WAVEFORM_IMAGE, kinds_for
from media_assets.previews.models import Rendition, RenditionStatus
from media_assets.previews.services import PREVIEWS_JOB, preview_folder
from media_assets.previews.waveform import ByteCounter, PeakCollector, samples_per_pixel_for, waveform_png
from media_assets.probe import NotMedia, open_media_container
from media_assets.services import file_local_path
from media_assets.thumbnails import still_picture

log = logging.getLogger("montage.media")

#: the longest a previews run may take, in seconds per second of media (and at least five minutes)
TIME_LIMIT_FACTOR = 10.0


class PreviewFailed(Exception):
    """No rendition could be made; the message says why, for a person."""


def file_previews_make(*, job_id: int) -> None:
    """Worker side: make the job's renditions; the job row and the Rendition rows say how it ended."""
    job_run(kind=PREVIEWS_JOB.name, pk=job_id, work=_make)


def _make(job: Job, reporter: JobReporter) -> dict:
    file = File.objects.filter(pk=job.params.get("file")).first()
    if file is None:
        log.info("previews job %s: file %s was deleted before its previews were made; nothing to do", job.pk,
                 job.params.get("file"))
        return {"skipped": "the file was deleted"}
    kinds = tuple(job.params.get("kinds") or [spec.name for spec in kinds_for(file.json)])
    rows = Rendition.objects.filter(file=file, kind__in=kinds)
    rows.update(status=RenditionStatus.PROCESSING, error="")
    workdir = Path(tempfile.mkdtemp(prefix="montage-previews-", dir=settings.RENDER_WORK_DIR))
    try:
        try:
            source = file_local_path(file)
        except (FileNotFoundError, OSError):
            raise PreviewFailed("The file's media is missing from storage, so no previews can be made.") from None
        if file.json.get("media_type") == "image" or file.json.get("has_single_image"):
            made = _still_renditions(source, file.json, workdir, kinds)
        else:
            made = _media_renditions(source, file.json, workdir, kinds, reporter)
        if reporter.should_cancel():
            raise JobCancelled()
        stored = _store(file, made)
    except PreviewFailed as error:
        rows.filter(status__in=[RenditionStatus.PENDING, RenditionStatus.PROCESSING]).update(
            status=RenditionStatus.FAILED, error=str(error))
        raise JobFailed(str(error)) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if not File.objects.filter(pk=file.pk).exists():  # deleted while we worked: leave nothing behind
        for name in stored.values():
            default_storage.delete(name)
        log.info("previews job %s: file %s was deleted while its previews were made; removed them", job.pk, file.pk)
        return {"skipped": "the file was deleted"}
    for kind in kinds:
        if kind not in made:
            rows.filter(kind=kind).update(status=RenditionStatus.FAILED, error=(
                f"The {kind} could not be made from this media (ffmpeg produced no picture for it)."))
    return {"made": sorted(stored)}


# --- video and audio: one ffmpeg process ----------------------------------------------------------


def _media_renditions(source: str, probe: dict, workdir: Path, kinds: tuple[str, ...],
                      reporter: JobReporter) -> dict[str, dict]:
    wants_peaks = probe.get("has_audio") and ({WAVEFORM.name, WAVEFORM_IMAGE.name} & set(kinds))
    duration = float(probe.get("duration") or 0.0)
    rate, frames = video_timing(source, probe)
    pipes = {"peaks": os.pipe() if wants_peaks else None, "frames": os.pipe() if rate is not None else None}
    writers = [pipe[1] for pipe in pipes.values() if pipe is not None]
    plan = preview_plan(source, probe, workdir, kinds=kinds, rate=rate, frame_count=frames,
                        audio_fd=pipes["peaks"][1] if pipes["peaks"] else None,
                        counter_fd=pipes["frames"][1] if pipes["frames"] else None,
                        thumbnail_at=getattr(settings, "PREVIEW_THUMBNAIL_AT", DEFAULT_THUMBNAIL_AT))
    collector = counter = None
    if pipes["peaks"]:
        collector = PeakCollector(pipes["peaks"][0], sample_rate=AUDIO_RATE,
                                  samples_per_pixel=samples_per_pixel_for(duration, AUDIO_RATE)).start()
    if pipes["frames"]:
        if plan.counter_fd is None:
            os.close(pipes["frames"][0])
        else:
            counter = ByteCounter(pipes["frames"][0]).start()

    def progress(percent: float) -> None:
        # ffmpeg reports nothing until every output has begun; count frames (or samples) instead
        if counter is not None and plan.frame_count:
            percent = max(percent, 100.0 * counter.count / COUNTER_BYTES_PER_FRAME / plan.frame_count)
        elif collector is not None and duration:
            percent = max(percent, 100.0 * collector.samples / (duration * AUDIO_RATE))
        reporter.progress(min(percent, 99.9))

    try:
        run_ffmpeg(plan.argv, frame_count=plan.frame_count, duration=duration, on_progress=progress,
                   should_cancel=reporter.should_cancel, time_limit=max(300.0, duration * TIME_LIMIT_FACTOR),
                   pass_fds=writers)
    except FfmpegCancelled:
        raise JobCancelled() from None
    except FfmpegTimedOut as error:
        raise PreviewFailed(f"Making the previews took too long ({error}).") from None
    except FfmpegFailed as error:
        raise PreviewFailed(
            "Montage could not decode this file's media to make its previews"
            f"{_ffmpeg_reason(error)}. The file itself is kept and can still be downloaded.") from None
    except FfmpegError as error:
        raise PreviewFailed(str(error)) from None
    finally:
        for fd in writers:
            os.close(fd)
        for reader in (collector, counter):
            if reader is not None:
                reader.join()

    made: dict[str, dict] = {}
    for kind, path in plan.outputs.items():
        if not path.exists() or not path.stat().st_size:
            continue
        if kind == "proxy":
            width, height = plan.proxy_size or (None, None)
            made[kind] = {"path": path, "width": width, "height": height, "duration": duration}
        elif kind == SPRITE.name:
            made.update(_sprite_and_track(path, plan, kinds))
        else:
            with Image.open(path) as image:
                made[kind] = {"path": path, "width": image.width, "height": image.height}
    if collector is not None:
        data = collector.data()
        if data["length"]:
            if WAVEFORM.name in kinds:
                made[WAVEFORM.name] = {"data": json.dumps(data, separators=(",", ":")).encode(), "duration": duration}
            if WAVEFORM_IMAGE.name in kinds:
                png, (width, height) = waveform_png(data)
                made[WAVEFORM_IMAGE.name] = {"data": png, "width": width, "height": height, "duration": duration}
    return made


def video_timing(source: str, probe: dict) -> tuple[Fraction | None, int | None]:
    """(conformed rate, exact frame count) of the video, counted by demuxing (no decoding); (None, None) without video.

    Demuxing reads the packets' headers only: the count is exact where the
    probe's duration × rate is an estimate, and the span tells a
    variable-rate source (`conform_rate`).
    """
    if probe.get("media_type") != "video":
        return None, None
    try:
        with open_media_container(source) as container:
            index = probe.get("video_stream_index")
            stream = next((each for each in container.streams.video if each.index == index), container.streams.video[0])
            first = last = None
            frames = 0
            last_duration = 0
            for packet in container.demux(stream):
                if packet.pts is None or not packet.size:
                    continue
                frames += 1
                first = packet.pts if first is None else min(first, packet.pts)
                if last is None or packet.pts >= last:
                    last, last_duration = packet.pts, packet.duration or 0
            if not frames or first is None:
                return None, None
            span = float((last - first + last_duration) * stream.time_base)
    except (NotMedia, av.error.FFmpegError, OSError):
        return None, None  # ffmpeg will say what is wrong with it
    return conform_rate(probe_rate(probe), frames=frames, span=span), frames


def _sprite_and_track(path: Path, plan, kinds: tuple[str, ...]) -> dict[str, dict]:
    """The sheet cropped to the tiles it holds, and its WebVTT track."""
    layout = plan.sprite
    tiles = sprites.tile_count(layout, _proxy_or_estimated_frames(plan))
    rows = sprites.used_rows(layout, tiles)
    with Image.open(path) as sheet:
        if sheet.height > rows * layout.tile_height:
            cropped = sheet.crop((0, 0, sheet.width, rows * layout.tile_height))
            cropped.save(path, "JPEG", quality=85)
        with Image.open(path) as final:
            size = final.size
    made = {SPRITE.name: {"path": path, "width": size[0], "height": size[1], "duration": plan.duration}}
    if SPRITE_VTT.name in kinds:
        track = sprites.sprite_vtt(layout, tiles=tiles, rate=plan.rate, duration=plan.duration)
        made[SPRITE_VTT.name] = {"data": track.encode(), "duration": plan.duration}
    return made


def _proxy_or_estimated_frames(plan) -> int:
    """The exact frame count (the proxy's, which has every source frame) or the probe's estimate."""
    proxy = plan.outputs.get("proxy")
    if proxy is not None and proxy.exists():
        try:
            with av.open(str(proxy)) as container:
                return sum(1 for packet in container.demux(video=0) if packet.size)
        except av.error.FFmpegError:
            pass
    return plan.frame_count


def _ffmpeg_reason(error: FfmpegFailed) -> str:
    lines = [line for line in error.log_tail if line.strip() and not line.startswith(("  ", "frame=", "Stream"))]
    return f" (ffmpeg said: {lines[-1].strip()})" if lines else ""


# --- images: Pillow -------------------------------------------------------------------------------


def _still_renditions(source: str, probe: dict, workdir: Path, kinds: tuple[str, ...]) -> dict[str, dict]:
    thumbs = [spec for spec in THUMBNAILS if spec.name in kinds]
    if not thumbs:
        return {}
    box = (max(spec.width for spec in thumbs),) * 2
    try:
        picture = still_picture(source, probe, box=box, max_image_pixels=settings.MEDIA_MAX_IMAGE_PIXELS,
                                font_files=font_file_paths())
    except (NotMedia, OSError, Image.DecompressionBombError) as error:
        raise PreviewFailed(f"Montage could not read this image to make its thumbnails ({error}).") from None
    made = {}
    for spec in thumbs:
        width, height = scaled(picture.size, spec.width) if picture.width >= 2 and picture.height >= 2 else picture.size
        scaled_picture = picture.resize((width, height), Image.Resampling.LANCZOS) if (width, height) != picture.size \
            else picture
        buffer = io.BytesIO()
        scaled_picture.save(buffer, "JPEG", quality=88)
        made[spec.name] = {"data": buffer.getvalue(), "width": width, "height": height}
    return made


# --- storing ------------------------------------------------------------------------------------


def _store(file: File, made: dict[str, dict]) -> dict[str, str]:
    """Save each made rendition in the media storage and mark its row ready; kind -> stored name."""
    folder = preview_folder(file)
    specs = {spec.name: spec for spec in kinds_for(file.json)}
    stored = {}
    for kind, result in made.items():
        spec = specs[kind]
        name = folder + spec.filename
        if default_storage.exists(name):  # a remake: the same name, so the sprite's track still points at it
            default_storage.delete(name)
        if "data" in result:
            saved = default_storage.save(name, ContentFile(result["data"], name=spec.filename))
            size = len(result["data"])
        else:
            with open(result["path"], "rb") as handle:
                saved = default_storage.save(name, DjangoFile(handle, name=spec.filename))
            size = result["path"].stat().st_size
        stored[kind] = saved
        Rendition.objects.filter(file=file, kind=kind).update(
            status=RenditionStatus.READY, storage_name=saved, content_type=spec.content_type,
            width=result.get("width"), height=result.get("height"), duration=result.get("duration"), bytes=size,
            error="")
    return stored
