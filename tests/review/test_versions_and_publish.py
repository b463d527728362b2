"""Version stacks (/assets/<id>/versions/) and renders published for review (/exports/<id>/publish/)."""

import pytest
from django.core.files.base import ContentFile

from exports.models import Export, ExportStatus
from tests import mediagen
from tests.factories import create_project, ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog, share
from tests.review.conftest import comments_url

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def ntsc_render(media_dir):
    """One second at 29.97 fps: what a render of a 29.97 project is."""
    path = media_dir / "render-2997.mp4"
    mediagen._ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30000/1001:duration=1", "-c:v", "libx264",
                     "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path))
    return path


def completed_export(api, user, path) -> Export:
    project = create_project(api, name="Cut")
    export = Export.objects.create(owner=user, project_id=project["id"], status=ExportStatus.COMPLETED, progress=100.0)
    export.output.save("render.mp4", ContentFile(path.read_bytes()))
    return export


def stack(api, asset) -> list[tuple[int, int, bool]]:
    return [(v["id"], v["version_number"], v["is_head"]) for v in ok(api.get(f"/assets/{asset['id']}/versions/"))]


def test_stack_reorder_and_take_out(api, catalog):
    one, two, three = (create_asset(api, catalog, name=name) for name in ("v1", "v2", "v3"))
    assert stack(api, one) == [(one["id"], 1, True)]
    ok(api.post(f"/assets/{one['id']}/versions/", {"asset": two["url"]}, format="json"), 201)
    ok(api.post(f"/assets/{two['id']}/versions/", {"asset": three["id"]}, format="json"), 201)
    assert stack(api, one) == [(one["id"], 1, False), (two["id"], 2, False), (three["id"], 3, True)]
    head = ok(api.get(three["url"]))
    assert head["version_number"] == 3 and head["is_head"] and head["versions"].endswith(f"/assets/{three['id']}/versions/")
    other = create_asset(api, catalog, name="alone")
    names = [a["name"] for a in ok(api.get("/assets/", {"head": "true"}))["results"]]
    assert sorted(names) == ["alone", "v3"]
    ok(api.post(f"/assets/{one['id']}/versions/move/", {"asset": three["id"], "position": 1}, format="json"))
    assert stack(api, one) == [(three["id"], 1, False), (one["id"], 2, False), (two["id"], 3, True)]
    assert api.delete(f"/assets/{one['id']}/versions/{two['id']}/").status_code == 204
    assert stack(api, one) == [(three["id"], 1, False), (one["id"], 2, True)]
    assert stack(api, two) == [(two["id"], 1, True)]
    assert ok(api.get(other["url"]))["version_number"] == 1


def test_bad_stacking_is_a_400_and_changes_nothing(api, catalog):
    one, two = create_asset(api, catalog, name="v1"), create_asset(api, catalog, name="v2")
    elsewhere = create_asset(api, create_catalog(api, name="Other"), name="x")
    ok(api.post(f"/assets/{one['id']}/versions/", {"asset": two["id"]}, format="json"), 201)
    for body in ({"asset": one["id"]}, {"asset": two["id"]}, {"asset": elsewhere["id"]}, {"asset": 999999}, {}):
        response = api.post(f"/assets/{one['id']}/versions/", body, format="json")
        assert response.status_code == 400 and "asset" in response.data, (body, response.data)
    response = api.post(f"/assets/{one['id']}/versions/move/", {"asset": two["id"], "position": 3}, format="json")
    assert response.status_code == 400 and "position" in response.data
    assert stack(api, one) == [(one["id"], 1, False), (two["id"], 2, True)]
    assert api.get("/assets/", {"head": "maybe"}).status_code == 400


def test_viewers_read_stacks_editors_change_them(api, other_api, catalog, team):
    one, two = create_asset(api, catalog, name="v1"), create_asset(api, catalog, name="v2")
    share(api, catalog, team, "viewer")
    assert len(stack(other_api, one)) == 1
    assert other_api.post(f"/assets/{one['id']}/versions/", {"asset": two["id"]}, format="json").status_code == 403
    share(api, catalog, team, "editor")
    ok(other_api.post(f"/assets/{one['id']}/versions/", {"asset": two["id"]}, format="json"), 201)
    assert other_api.delete(f"/assets/{one['id']}/versions/{two['id']}/").status_code == 204


def test_a_render_published_as_version_2_keeps_its_comments_apart(api, user, other_api, catalog, ntsc_render):
    export = completed_export(api, user, ntsc_render)
    first = ok(api.post(f"/exports/{export.pk}/publish/", {"catalog": catalog["url"], "name": "Cut v1"},
                        format="json"), 201)
    assert first["source_export"].endswith(f"/exports/{export.pk}/") and first["fmt"] == 2997
    assert first["version_number"] == 1 and first["file"] and first["out"]["frm"] == 30
    second = ok(api.post(f"/exports/{export.pk}/publish/", {"catalog": catalog["id"], "version_of": first["id"]},
                         format="json"), 201)
    assert second["version_number"] == 2 and second["is_head"] and second["file"] != first["file"]
    ok(api.post(comments_url(first), {"text": "v1 note", "frame": "00:00:00;12"}, format="json"), 201)
    ok(api.post(comments_url(second), {"text": "v2 note", "frame": 3}, format="json"), 201)
    on_v1 = ok(api.post(comments_url(second), {"text": "late v1 note", "version": 1}, format="json"), 201)
    assert on_v1["asset"] == first["url"] and on_v1["version"] == 1
    texts = lambda asset, **params: [c["text"] for c in ok(api.get(comments_url(asset), params))["results"]]  # noqa: E731
    assert texts(second) == ["v2 note"]
    assert sorted(texts(first)) == ["late v1 note", "v1 note"]
    assert sorted(texts(second, version="all")) == ["late v1 note", "v1 note", "v2 note"]
    assert sorted(texts(second, version="1")) == ["late v1 note", "v1 note"]
    response = api.post(comments_url(second), {"text": "x", "frame": 31}, format="json")
    assert response.status_code == 400 and "frame" in response.data
    # someone else's render, another catalog's asset, a catalog one cannot read, an unfinished export
    assert other_api.post(f"/exports/{export.pk}/publish/", {"catalog": catalog["id"]}, format="json").status_code == 404
    response = api.post(f"/exports/{export.pk}/publish/", {"catalog": create_catalog(api, name="B")["id"],
                                                           "version_of": first["id"]}, format="json")
    assert response.status_code == 400 and "version_of" in response.data
    theirs = create_catalog(other_api, name="Bob's")
    response = api.post(f"/exports/{export.pk}/publish/", {"catalog": theirs["id"]}, format="json")
    assert response.status_code == 400 and "catalog" in response.data
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.PENDING)
    assert api.post(f"/exports/{export.pk}/publish/", {"catalog": catalog["id"]}, format="json").status_code == 400
    assert len(stack(api, first)) == 2


def test_stack_changes_are_in_the_assets_history(api, catalog):
    one, two = create_asset(api, catalog, name="v1"), create_asset(api, catalog, name="v2")
    ok(api.post(f"/assets/{one['id']}/versions/", {"asset": two["id"]}, format="json"), 201)
    history = ok(api.get(f"/assets/{two['id']}/history/"))["results"]
    changed = {change["field"] for entry in history for change in entry["changes"]}
    assert {"stack_version", "stack"} & changed, history
