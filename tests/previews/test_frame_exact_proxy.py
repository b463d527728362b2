"""The proxy has every source frame, once, in order: proxy frame n is source frame n (PyAV decodes both)."""

from fractions import Fraction

import av
import pytest
from django.core.files.storage import default_storage

from media_assets.previews.models import Rendition
from tests import mediagen
from tests.factories import create_project, upload_file
from tests.previews.conftest import by_kind, wait_for_previews


def keyframe_gaps(path: str) -> float:
    with av.open(path) as container:
        stream = container.streams.video[0]
        times = [float(packet.pts * stream.time_base) for packet in container.demux(stream) if packet.is_keyframe]
    return max(b - a for a, b in zip(times, times[1:])) if len(times) > 1 else 0.0


@pytest.mark.parametrize("rate", ["30", "30000/1001", "24000/1001"])
def test_proxy_is_frame_exact(api, worker, media_dir, rate):
    source = mediagen.make_frame_coded_video(media_dir / f"coded-{rate.replace('/', '_')}.mp4", rate=rate, seconds=3.0)
    project = create_project(api)
    file = upload_file(api, project, source)
    proxy = by_kind(wait_for_previews(api, file["previews"]))["proxy"]
    assert proxy["status"] == "ready", proxy
    stored = default_storage.path(Rendition.objects.get(file_id=file["id"], kind="proxy").storage_name)

    source_indices = mediagen.frame_indices(source)
    proxy_indices = mediagen.frame_indices(stored)
    assert source_indices == list(range(len(source_indices)))
    assert proxy_indices == source_indices  # no frame dropped, duplicated or moved, the first included
    with av.open(stored) as container:
        video = container.streams.video[0]
        assert video.average_rate == Fraction(rate)
        assert video.codec_context.pix_fmt == "yuv420p" and video.codec_context.name == "h264"
        audio = container.streams.audio[0]
        assert audio.rate == 48000 and audio.channels == 2 and audio.codec_context.name == "aac"
    assert keyframe_gaps(stored) <= 1.0
    with open(stored, "rb") as handle:  # +faststart: the index (moov) comes before the media (mdat)
        head = handle.read(64 * 1024)
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head


def test_variable_rate_source_is_conformed_to_its_average_rate_keeping_every_frame(api, worker, media_dir):
    constant = mediagen.make_frame_coded_video(media_dir / "coded-for-vfr.mp4", rate="30", seconds=2.0, audio=False)
    variable = media_dir / "coded-vfr.mp4"
    # frames 0-29 a 30th of a second apart, then 15th: a variable-rate stream
    mediagen._ffmpeg("-i", str(constant), "-vf", "setpts='if(lt(N,30),N/30,1+(N-30)/15)/TB'", "-fps_mode", "vfr",
                     "-c:v", "libx264", "-qp", "0", "-preset", "ultrafast", str(variable))
    project = create_project(api)
    file = upload_file(api, project, variable)
    proxy = by_kind(wait_for_previews(api, file["previews"]))["proxy"]
    assert proxy["status"] == "ready", proxy
    stored = default_storage.path(Rendition.objects.get(file_id=file["id"], kind="proxy").storage_name)
    assert mediagen.frame_indices(stored) == mediagen.frame_indices(variable) == list(range(60))
    with av.open(stored) as container:
        stream = container.streams.video[0]
        times = [float(frame.pts * stream.time_base) for frame in container.decode(stream)]
        rate = stream.average_rate
    assert 19.5 < rate < 20.5  # about 60 frames in 3 s (the last frame's own duration decides the rest)
    steps = {round(b - a, 4) for a, b in zip(times, times[1:])}
    assert steps == {round(1 / float(rate), 4)}  # constant: frame n at n / average rate: the duration stays 3 s
