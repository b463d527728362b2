"""/assets/: catalog entries with their media, timecodes and ranges; ETags and If-Match."""

import pytest

from media_assets.models import Asset, File
from tests import mediagen
from tests.factories import create_project, ok, upload_file
from tests.media_assets.catalog.helpers import create_asset, upload_asset

pytestmark = pytest.mark.django_db


def test_uploading_into_a_catalog_makes_the_file_and_the_asset_in_one_step(api, catalog, video_path):
    asset = upload_asset(api, catalog, video_path, status="New", notes="first take")
    assert asset["type"] == "clip" and asset["name"] == "clip.mp4" and asset["status"] == "New"
    assert asset["fmt"] == 30 and asset["fps"] == 30.0
    assert asset["in"] == {"fmt": 30, "frm": 0, "secs": 0.0, "txt": "00:00:00:00"}
    assert asset["out"]["txt"] == asset["duration"]["txt"] == asset["media_end"]["txt"] == "00:00:02:00"
    assert asset["source_media"]["filename"] == "clip.mp4" and asset["source_media"]["media_type"] == "video"
    file = File.objects.get()
    assert file.project is None, "a catalog's file belongs to no project"
    assert asset["file"].endswith(f"/files/{file.pk}/")
    assert api.get(f"{asset['url']}download/").status_code == 200


def test_images_and_audio_get_their_types(api, catalog, image_path, audio_path):
    assert upload_asset(api, catalog, image_path)["type"] == "still"
    assert upload_asset(api, catalog, audio_path)["type"] == "audio"


def test_not_media_is_a_400_and_leaves_nothing(api, catalog, tmp_path):
    junk = tmp_path / "notes.mp4"
    junk.write_bytes(b"not a video" * 100)
    with open(junk, "rb") as handle:
        response = api.post(f"/catalogs/{catalog['id']}/assets/", {"media": handle}, format="multipart")
    assert response.status_code == 400 and "media" in response.data
    assert not Asset.objects.exists() and not File.objects.exists()


def test_a_file_of_yours_can_be_cataloged(api, catalog, video_path):
    file = upload_file(api, create_project(api), video_path)
    asset = create_asset(api, catalog, file=file["url"], name="From my project")
    assert asset["file"] == file["url"] and asset["out"]["frm"] == 60


def test_someone_elses_file_cannot_be_cataloged(api, other_api, catalog, video_path):
    file = upload_file(other_api, create_project(other_api), video_path)
    response = api.post("/assets/", {"catalog": catalog["id"], "file": file["id"]}, format="json")
    assert response.status_code == 400 and "file" in response.data


def test_timecodes_are_read_as_objects_text_or_frames(api, catalog, video_path):
    asset = upload_asset(api, catalog, video_path)
    changed = ok(api.patch(asset["url"], {"in": "00:00:00:10", "out": 50, "in2": {"frm": 15}, "out2": {"txt": "00:00:01:10"},
                                          "poster": {"secs": 1.0}}, format="json"))
    assert [changed[name]["frm"] for name in ("in", "out", "in2", "out2", "poster")] == [10, 50, 15, 40, 30]
    assert changed["duration"]["frm"] == 40


def test_a_29_97_asset_is_drop_frame_and_refuses_dropped_labels(api, catalog):
    asset = create_asset(api, catalog, name="NTSC", fmt=2997, media_start="01:00:00;00", media_end="01:10:00;00",
                         **{"in": "01:01:00;02", "out": "01:09:00;02"})
    assert asset["in"] == {"fmt": 2997, "frm": 109692, "secs": pytest.approx(3660.0564, abs=1e-4), "txt": "01:01:00;02"}
    response = api.patch(asset["url"], {"in": "01:02:00;00"}, format="json")
    assert response.status_code == 400
    assert "does not exist in 29.97 DF" in str(response.data["in"])


@pytest.mark.parametrize("change, field, message", [
    ({"in": "00:00:00:30"}, "in", "past the rate"),
    ({"out": "00:00:03:00"}, "out", "after the media ends"),
    ({"in": "00:00:01:00", "out": "00:00:00:10"}, "out", "before in"),
    ({"in2": 10}, "out2", "both in2 and out2"),
    ({"in2": 10, "out2": 5}, "out2", "between in2 and out"),
    ({"poster": 61}, "poster", "outside in–out"),
    ({"in": "10:00"}, "in", "not a timecode"),
    ({"in": {"fmt": 25, "frm": 1}}, "in", "not this object's format"),
    ({"in": -5}, "in", "negative"),
    ({"fmt": 25}, "fmt", "30.000 fps"),
    ({"fmt": 7}, "fmt", "not a valid choice"),
    ({"type": "movie"}, "type", "not a valid choice"),
    ({"recorded_date": "yesterday"}, "recorded_date", "format"),
    ({"name": "x" * 300}, "name", "255"),
    ({"catalog": 999}, "catalog", "No catalog"),
    ({"source": "itself"}, "source", "cannot change"),
])
def test_bad_input_is_a_400_naming_the_field(api, catalog, video_path, change, field, message):
    asset = upload_asset(api, catalog, video_path)
    change = {key: asset["id"] if value == "itself" else value for key, value in change.items()}
    response = api.patch(asset["url"], change, format="json")
    assert response.status_code == 400, response.data
    assert field in response.data and message in str(response.data[field]), response.data


def test_a_subclip_is_a_range_of_its_masters_media(api, catalog, video_path):
    master = upload_asset(api, catalog, video_path, tape="A001")
    subclip = ok(api.post("/assets/", {"catalog": catalog["id"], "source": master["id"], "in": 10, "out": 20},
                          format="json"), 201)
    assert subclip["type"] == "subclip" and subclip["name"] == "clip.mp4 (subclip)" and subclip["tape"] == "A001"
    named = create_asset(api, catalog, source=master["id"], name="The good bit", tape="B002")
    assert (named["name"], named["tape"], named["type"]) == ("The good bit", "B002", "subclip")
    assert subclip["file"] == master["file"] and subclip["source"] == master["url"]
    assert subclip["media_end"] == master["media_end"] and subclip["duration"]["frm"] == 10
    response = api.post("/assets/", {"catalog": catalog["id"], "source": master["id"], "out": 100}, format="json")
    assert response.status_code == 400 and "after the media ends" in str(response.data["out"])


def test_a_subclip_needs_a_master_with_media_in_the_same_catalog(api, catalog, video_path):
    notes = create_asset(api, catalog, name="notes")
    response = api.post("/assets/", {"catalog": catalog["id"], "source": notes["id"]}, format="json")
    assert response.status_code == 400 and "master with media" in str(response.data["source"])


def test_an_asset_without_media_needs_a_name(api, catalog):
    response = api.post("/assets/", {"catalog": catalog["id"]}, format="json")
    assert response.status_code == 400 and "name" in response.data


def test_responses_carry_an_etag_and_if_none_match_gives_304(api, catalog):
    asset = create_asset(api, catalog)
    response = api.get(asset["url"])
    etag = response["ETag"]
    assert etag == f'"asset-{asset["id"]}-v1"'
    assert api.get(asset["url"], HTTP_IF_NONE_MATCH=etag).status_code == 304
    changed = api.patch(asset["url"], {"status": "OK"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and changed.data["version"] == 2


def test_a_stale_if_match_is_a_412_and_changes_nothing(api, catalog):
    asset = create_asset(api, catalog)
    stale = api.get(asset["url"])["ETag"]
    ok(api.patch(asset["url"], {"status": "Seen"}, format="json"))
    for response in (
        api.patch(asset["url"], {"status": "Lost update"}, format="json", HTTP_IF_MATCH=stale),
        api.put(asset["url"], {"catalog": catalog["id"], "name": "x"}, format="json", HTTP_IF_MATCH=stale),
        api.delete(asset["url"], HTTP_IF_MATCH=stale),
    ):
        assert response.status_code == 412 and response.data["detail"].code == "modified"
    assert ok(api.get(asset["url"]))["status"] == "Seen"


def test_a_marker_change_changes_the_assets_etag(api, catalog):
    asset = create_asset(api, catalog, **{"out": 100})
    before = api.get(asset["url"])["ETag"]
    ok(api.post(f"{asset['url']}markers/", {"name": "m", "in": 5}, format="json"), 201)
    assert api.get(asset["url"])["ETag"] != before


def test_an_asset_cannot_move_between_catalogs(api, catalog):
    other = ok(api.post("/catalogs/", {"name": "Other"}, format="json"), 201)
    asset = create_asset(api, catalog)
    response = api.patch(asset["url"], {"catalog": other["id"]}, format="json")
    assert response.status_code == 400 and "another catalog" in str(response.data["catalog"])


def test_poster_is_an_image_of_the_poster_frame(api, catalog, video_path):
    asset = upload_asset(api, catalog, video_path, poster=30)
    response = api.get(f"{asset['url']}poster/?width=80&height=45")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_the_media_start_timecode_is_taken_from_the_media(api, catalog, tmp_path):
    path = tmp_path / "tc.mov"
    mediagen._ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1", "-c:v", "libx264",
                     "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-timecode", "01:00:00:00", str(path))
    asset = upload_asset(api, catalog, path)
    assert asset["fmt"] == 25
    assert asset["media_start"]["txt"] == asset["in"]["txt"] == "01:00:00:00"
    assert asset["out"]["txt"] == "01:00:01:00"


def test_importing_into_a_catalog_makes_the_file_and_the_asset_in_one_step(api, catalog, video_path, settings):
    settings.MEDIA_IMPORT_ROOT = str(video_path.parent)
    asset = ok(api.post(f"/catalogs/{catalog['id']}/assets/", {"import_from": {"url": str(video_path), "name": "take.mp4"},
                                                              "status": "Imported"}, format="json"), 201)
    assert asset["name"] == "take.mp4" and asset["status"] == "Imported" and asset["out"]["frm"] == 60
    assert File.objects.get().project is None


def test_a_refused_import_or_asset_leaves_nothing(api, catalog, video_path, settings):
    settings.MEDIA_IMPORT_ROOT = None
    response = api.post("/assets/", {"catalog": catalog["id"], "import_from": {"url": str(video_path)}}, format="json")
    assert response.status_code == 400 and "MEDIA_IMPORT_ROOT" in str(response.data["import_from"])
    settings.MEDIA_IMPORT_ROOT = str(video_path.parent)
    response = api.post("/assets/", {"catalog": catalog["id"], "import_from": {"url": str(video_path)}, "out": 999},
                        format="json")
    assert response.status_code == 400 and "after the media ends" in str(response.data["out"])
    assert not File.objects.exists() and not Asset.objects.exists()


@pytest.fixture(scope="module")
def ntsc_video_path(tmp_path_factory):
    return mediagen.make_video(tmp_path_factory.mktemp("ntsc") / "ntsc.mp4", seconds=1.0, fps="30000/1001", audio=False)


def test_a_masters_format_and_media_range_pass_to_its_subclips(api, catalog, ntsc_video_path):
    master = upload_asset(api, catalog, ntsc_video_path)
    assert master["fmt"] == 2997
    subclip = create_asset(api, catalog, source=master["id"], **{"in": 10, "out": 20})
    subsubclip = create_asset(api, catalog, source=subclip["id"], **{"in": 12, "out": 18})
    ok(api.patch(master["url"], {"fmt": 2998, "out": 25, "media_end": 25}, format="json"))
    for asset in (subclip, subsubclip):
        fresh = ok(api.get(asset["url"]))
        assert fresh["fmt"] == 2998 and fresh["in"]["txt"].count(";") == 0, fresh
        assert fresh["media_end"]["frm"] == 25 and fresh["version"] == asset["version"] + 1


def test_a_master_change_that_would_leave_a_subclip_outside_its_media_is_refused(api, catalog, video_path):
    master = upload_asset(api, catalog, video_path)
    subclip = create_asset(api, catalog, source=master["id"], **{"in": 10, "out": 40})
    response = api.patch(master["url"], {"out": 30, "media_end": 30}, format="json")
    assert response.status_code == 400 and "would fall outside" in str(response.data["media_end"]), response.data
    assert ok(api.get(subclip["url"]))["media_end"]["frm"] == 60


def test_a_subclip_keeps_its_masters_format_and_media_range(api, catalog, ntsc_video_path):
    master = upload_asset(api, catalog, ntsc_video_path)
    subclip = create_asset(api, catalog, source=master["id"])
    for change, field in [({"fmt": 2998}, "fmt"), ({"media_start": 2}, "media_start")]:
        response = api.patch(subclip["url"], change, format="json")
        assert response.status_code == 400 and "master's" in str(response.data[field]), response.data
    response = api.post("/assets/", {"catalog": catalog["id"], "source": master["id"], "fmt": 2998}, format="json")
    assert response.status_code == 400 and "master's format" in str(response.data["fmt"]), response.data


def test_a_subclip_needs_its_master(api, catalog, video_path):
    response = api.post("/assets/", {"catalog": catalog["id"], "type": "subclip", "name": "sub3", "in": 20, "out": 50},
                        format="json")
    assert response.status_code == 400, response.data
    assert response.data["source"] == ["A subclip needs its master asset (source)."]
    clip = create_asset(api, catalog, name="plain")
    response = api.patch(clip["url"], {"type": "subclip"}, format="json")
    assert response.status_code == 400 and "source" in response.data, response.data
    master = upload_asset(api, catalog, video_path)
    response = api.post("/assets/", {"catalog": catalog["id"], "source": master["id"], "type": "clip"}, format="json")
    assert response.status_code == 400 and "is a subclip" in str(response.data["type"]), response.data
    assert Asset.objects.count() == 2


def test_source_media_file_size_is_an_integer(api, catalog, video_path):
    asset = upload_asset(api, catalog, video_path)
    assert asset["source_media"]["file_size"] == video_path.stat().st_size
