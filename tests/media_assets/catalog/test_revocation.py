"""A shared viewer's derived media ends with the share; deleting a file erases its bytes (issue 12, finding 8).

On the old code a catalog viewer who used add-to-project kept downloading
the media after the owner removed the share and deleted the asset and file,
and the bytes stayed in storage.
"""

import pytest
from django.core.files.storage import default_storage

from media_assets.models import File
from projects.models import Clip
from tests.factories import create_project, ok
from tests.media_assets.catalog.helpers import upload_asset

pytestmark = pytest.mark.django_db


def _file_id(url: str) -> int:
    return int(url.rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def placed(api, viewer_api, catalog, video_path):
    """alice's asset, placed by bob (a viewer of her catalog) on his own timeline: (asset, bob's clip, his file id)."""
    asset = upload_asset(api, catalog, video_path)
    project = create_project(viewer_api)
    clip = ok(viewer_api.post(f"{asset['url']}add-to-project/", {"project": project["id"]}, format="json"), 201)
    file_id = _file_id(clip["file"])
    assert viewer_api.get(f"/files/{file_id}/download/").status_code == 200
    return asset, clip, file_id


def _access_ended(viewer_api, clip, file_id):
    assert viewer_api.get(f"/files/{file_id}/download/").status_code == 404
    assert not File.objects.filter(pk=file_id).exists()
    assert not Clip.objects.filter(pk=clip["id"]).exists()


def test_removing_the_share_ends_the_viewers_access(api, viewer_api, catalog, placed,
                                                    django_capture_on_commit_callbacks):
    _asset, clip, file_id = placed
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.patch(catalog["url"], {"shares": []}, format="json"))
    _access_ended(viewer_api, clip, file_id)


def test_deleting_the_asset_ends_the_viewers_access(api, viewer_api, placed, django_capture_on_commit_callbacks):
    asset, clip, file_id = placed
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(asset["url"]).status_code == 204
    _access_ended(viewer_api, clip, file_id)


def test_leaving_the_group_ends_the_viewers_access(viewer_api, team, other_user, placed,
                                                   django_capture_on_commit_callbacks):
    _asset, clip, file_id = placed
    with django_capture_on_commit_callbacks(execute=True):
        team.user_set.remove(other_user)
    _access_ended(viewer_api, clip, file_id)


def test_deleting_the_file_erases_its_bytes_and_what_was_derived(api, viewer_api, placed,
                                                                 django_capture_on_commit_callbacks):
    asset, clip, file_id = placed
    source = _file_id(asset["file"])
    name = File.objects.get(pk=source).media.name
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/files/{source}/").status_code == 204
    _access_ended(viewer_api, clip, file_id)
    assert not default_storage.exists(name)


def test_the_viewer_keeps_access_while_the_share_holds(api, viewer_api, catalog, placed,
                                                       django_capture_on_commit_callbacks):
    _asset, clip, file_id = placed
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.patch(catalog["url"], {"name": "Renamed"}, format="json"))
    assert viewer_api.get(f"/files/{file_id}/download/").status_code == 200


def test_bytes_stay_while_another_of_the_owners_objects_uses_them(api, catalog, video_path,
                                                                  django_capture_on_commit_callbacks):
    asset = upload_asset(api, catalog, video_path)
    project = create_project(api)
    clip = ok(api.post(f"{asset['url']}add-to-project/", {"project": project["id"]}, format="json"), 201)
    catalog_file, project_file = _file_id(asset["file"]), _file_id(clip["file"])
    name = File.objects.get(pk=catalog_file).media.name
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/files/{catalog_file}/").status_code == 204
    assert default_storage.exists(name)  # the project's file still shows them
    assert api.get(f"/files/{project_file}/download/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/files/{project_file}/").status_code == 204
    assert not default_storage.exists(name)
