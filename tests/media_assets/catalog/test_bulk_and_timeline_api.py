"""PATCH /assets/bulk/ (all or nothing) and placing an asset's range on a project's timeline."""

import pytest
from django.core.files.storage import default_storage

from media_assets.models import File
from projects.models import Clip
from tests.factories import create_project, ok
from tests.media_assets.catalog.helpers import create_asset, upload_asset

pytestmark = pytest.mark.django_db


def test_bulk_patch_changes_many_assets(api, catalog):
    first, second = create_asset(api, catalog, name="a"), create_asset(api, catalog, name="b")
    data = ok(api.patch("/assets/bulk/", {"ids": [first["id"], second["id"]], "changes": {"status": "Approved"}}, format="json"))
    assert data["count"] == 2 and {asset["status"] for asset in data["results"]} == {"Approved"}
    data = ok(api.patch("/assets/bulk/", {"assets": [{"id": first["id"], "notes": "one"}, {"id": second["id"], "bin": "B"}]},
                        format="json"))
    assert [(a["notes"], a["bin"]) for a in data["results"]] == [("one", ""), ("", "B")]


def test_one_bad_asset_means_nothing_changes(api, catalog):
    first, second = create_asset(api, catalog, name="a"), create_asset(api, catalog, name="b", **{"out": 10})
    response = api.patch("/assets/bulk/", {"assets": [
        {"id": first["id"], "status": "Done"}, {"id": second["id"], "in": 20}]}, format="json")
    assert response.status_code == 400 and "before in" in str(response.data["assets"][str(second["id"])]["out"])
    assert ok(api.get(first["url"]))["status"] == ""


def test_bulk_checks_versions_sharing_and_ids(api, viewer_api, catalog):
    first = create_asset(api, catalog)
    ok(api.patch(first["url"], {"status": "x"}, format="json"))
    response = api.patch("/assets/bulk/", {"assets": [{"id": first["id"], "version": 1, "status": "y"}]}, format="json")
    assert response.status_code == 412
    assert viewer_api.patch("/assets/bulk/", {"ids": [first["id"]], "changes": {"status": "y"}}, format="json").status_code == 403
    response = api.patch("/assets/bulk/", {"ids": [first["id"], 9999], "changes": {"status": "y"}}, format="json")
    assert response.status_code == 400 and "9999" in str(response.data["ids"])
    assert api.patch("/assets/bulk/", {"ids": [first["id"], first["id"]], "changes": {}}, format="json").status_code == 400
    assert api.patch("/assets/bulk/", {"whatever": 1}, format="json").status_code == 400
    assert ok(api.get(first["url"]))["status"] == "x"


def test_an_assets_selection_goes_onto_a_timeline_without_copying_media(api, catalog, video_path):
    asset = upload_asset(api, catalog, video_path)
    ok(api.patch(asset["url"], {"in2": 15, "out2": 45}, format="json"))
    project = create_project(api)
    clip = ok(api.post(f"{asset['url']}add-to-project/", {"project": project["url"], "position": 3, "layer": 2},
                       format="json"), 201)
    assert (clip["start"], clip["end"], clip["position"], clip["layer"]) == (0.5, 1.5, 3.0, 2)
    assert clip["project"] == project["url"]
    project_file = File.objects.get(pk=clip["file"].rstrip("/").rsplit("/", 1)[1])
    catalog_file = File.objects.get(pk=asset["file"].rstrip("/").rsplit("/", 1)[1])
    assert project_file.project_id == project["id"] and project_file.media.name == catalog_file.media.name
    whole = ok(api.post(f"{asset['url']}add-to-project/", {"project": project["id"], "selection": False}, format="json"), 201)
    assert (whole["start"], whole["end"]) == (0.0, 2.0) and whole["file"] == clip["file"], "the project's file is reused"
    assert Clip.objects.count() == 2 and File.objects.count() == 2


def test_deleting_the_project_keeps_the_catalogs_media(api, catalog, video_path, django_capture_on_commit_callbacks):
    asset = upload_asset(api, catalog, video_path)
    project = create_project(api)
    ok(api.post(f"{asset['url']}add-to-project/", {"project": project["id"]}, format="json"), 201)
    name = File.objects.get(project__isnull=True).media.name
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(project["url"]).status_code == 204
    assert default_storage.exists(name)
    assert api.get(f"{asset['url']}download/").status_code == 200


def test_a_viewer_can_put_an_asset_on_their_own_timeline(api, viewer_api, catalog, video_path):
    asset = upload_asset(api, catalog, video_path)
    project = create_project(viewer_api)
    clip = ok(viewer_api.post(f"{asset['url']}add-to-project/", {"project": project["id"]}, format="json"), 201)
    assert clip["project"] == project["url"]


@pytest.mark.parametrize("body, field", [({"project": 9999}, "project"), ({}, "project"),
                                         ({"project": 1, "position": -1}, "position")])
def test_bad_timeline_requests_are_a_400(api, catalog, video_path, body, field):
    asset = upload_asset(api, catalog, video_path)
    create_project(api)
    response = api.post(f"{asset['url']}add-to-project/", body, format="json")
    assert response.status_code == 400 and field in response.data


def test_an_asset_without_media_cannot_go_on_a_timeline(api, catalog):
    asset = create_asset(api, catalog)
    project = create_project(api)
    response = api.post(f"{asset['url']}add-to-project/", {"project": project["id"]}, format="json")
    assert response.status_code == 400 and "no media" in str(response.data)
