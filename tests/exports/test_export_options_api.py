"""Export options as the OpenShot documentation writes them: types, bitrates, codec names, defaults that fit."""

import pytest

from exports.models import Export, ExportType
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(api):
    return create_project(api, name="Options", width=160, height=90)


def export(api, project, status=201, **fields):
    return ok(api.post("/exports/", {"project": project["url"], **fields}, format="json"), status)


@pytest.mark.parametrize("spelling", ["image sequence", "image-sequence", "Image Sequence"])
def test_image_sequence_is_answered_as_the_documentation_writes_it(api, project, spelling):
    made = export(api, project, export_type=spelling, video_format="png", end_frame=5)
    assert made["export_type"] == "image sequence"
    assert ok(api.get(made["url"]))["export_type"] == "image sequence"
    assert Export.objects.get(pk=made["id"]).export_type == ExportType.IMAGE_SEQUENCE


def test_an_unknown_export_type_lists_the_documented_ones(api, project):
    response = api.post("/exports/", {"project": project["url"], "export_type": "hologram"}, format="json")
    assert response.status_code == 400 and "image sequence" in str(response.data["export_type"])


def test_bitrates_are_answered_as_integers_like_the_documentation(api, project):
    made = export(api, project, video_bitrate="8.0 Mb/sec", audio_bitrate=192000)
    assert (made["video_bitrate"], made["audio_bitrate"]) == (8000000, 192000)
    assert ok(api.get("/exports/"))["results"][0]["video_bitrate"] == 8000000


def test_a_quality_stays_text(api, project):
    assert export(api, project, video_bitrate="crf 23")["video_bitrate"] == "crf 23"


@pytest.mark.parametrize("sent, encoder", [
    ("h.264", "libx264"), ("H.264", "libx264"), ("h264", "libx264"), ("mp4video", "mpeg4"), ("libx264", "libx264"),
])
def test_documented_video_codec_names_are_the_encoders_they_mean(api, project, sent, encoder):
    assert export(api, project, video_codec=sent)["video_codec"] == encoder


def test_the_webhook_examples_libfdk_aac_is_aac_when_ffmpeg_lacks_it(api, project):
    assert export(api, project, audio_codec="libfdk_aac")["audio_codec"] == "aac"


def test_a_codec_that_is_no_encoder_is_still_refused(api, project):
    response = api.post("/exports/", {"project": project["url"], "video_codec": "h.999"}, format="json")
    assert response.status_code == 400 and "not an encoder" in str(response.data["video_format"])


def test_webm_with_libvpx_and_no_audio_codec_gets_one_webm_holds(api, project):
    made = export(api, project, video_format="webm", video_codec="libvpx")
    assert made["video_codec"] == "libvpx" and made["audio_codec"] in ("libopus", "libvorbis")


def test_webm_alone_gets_video_and_audio_codecs_webm_holds(api, project):
    made = export(api, project, video_format="webm")
    assert made["video_codec"] in ("libvpx-vp9", "libvpx") and made["audio_codec"] in ("libopus", "libvorbis")


def test_an_mp3_audio_export_gets_an_mp3_encoder(api, project):
    made = export(api, project, export_type="audio", video_format="mp3")
    assert made["audio_codec"] == "libmp3lame"


def test_codecs_given_explicitly_are_never_replaced(api, project):
    response = api.post("/exports/", {"project": project["url"], "video_format": "webm", "video_codec": "libvpx",
                                      "audio_codec": "aac"}, format="json")
    assert response.status_code == 400 and "video_format" in response.data
    assert not Export.objects.exists()


def test_a_webm_export_with_the_codecs_chosen_for_it_renders(api, worker, video_path):
    timeline = create_project(api, name="Webm", width=160, height=90, fps_num=30, fps_den=1)
    create_clip(api, timeline, upload_file(api, timeline, video_path), end=1.0)
    made = export(api, timeline, video_format="webm", video_codec="libvpx")
    done = wait_for_export(api, made)
    assert done["status"] == "completed", done["json"].get("error")
