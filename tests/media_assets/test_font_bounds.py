"""Fonts are per user, bounded and removable (issue 12, finding 4).

On the old code any user's font applied to everyone, with no count limit, no
delete, free-text family names, every font re-read on each upload, and the
thumbnail of more than 1,024 faces a 500 (JPEG height over 65,535 px).
"""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from PIL import Image

from media_assets.models import Font
from tests.factories import create_project, ok
from tests.media_assets.test_titles_and_fonts import make_font


def _add(api, tmp_path, family: str, style: str = "Regular"):
    path = make_font(tmp_path / f"{abs(hash((family, style)))}.ttf", family, style)
    with open(path, "rb") as handle:
        return api.post("/info/fonts/", {"font_file": handle}, format="multipart")


def _families(api) -> set[str]:
    return {entry["family"] for entry in ok(api.get("/info/fonts/"))["fonts"]}


def test_a_users_font_is_theirs_alone(api, other_api, tmp_path):
    ok(_add(api, tmp_path, "Alice Sans"), 201)
    assert "Alice Sans" in _families(api)
    assert "Alice Sans" not in _families(other_api)
    project = create_project(other_api, name="Bob's")
    response = other_api.post(f"/projects/{project['id']}/title/", {"text": "Hi", "font_name": "Alice Sans"}, format="json")
    assert response.status_code == 400 and "not installed" in str(response.data["font_name"])
    # the same family may be added by another user: it is theirs
    ok(_add(other_api, tmp_path, "Alice Sans"), 201)


@pytest.mark.parametrize("family", ["Bob Evil Font'; } </style>", 'Quote"Font', "Semi;colon", "<b>Bold</b>"])
def test_a_family_name_outside_the_strict_set_is_refused(api, tmp_path, family):
    response = _add(api, tmp_path, family)
    assert response.status_code == 400
    assert "may not" in str(response.data["font_file"])
    assert not Font.objects.exists()


def test_the_count_quota_holds(api, tmp_path, settings):
    settings.MONTAGE_FONTS_PER_USER = 2
    ok(_add(api, tmp_path, "One Sans"), 201)
    ok(_add(api, tmp_path, "Two Sans"), 201)
    response = _add(api, tmp_path, "Three Sans")
    assert response.status_code == 400 and "the most one user may add" in str(response.data["font_file"])


def test_the_size_limit_holds(api, tmp_path, settings):
    settings.MONTAGE_FONT_MAX_BYTES = 100
    response = _add(api, tmp_path, "Big Sans")
    assert response.status_code == 400 and "100 bytes" in str(response.data["font_file"])


def test_a_font_is_deleted_with_its_bytes_and_only_by_its_owner(api, other_api, tmp_path,
                                                                django_capture_on_commit_callbacks):
    listing = ok(_add(api, tmp_path, "Gone Sans"), 201)
    [mine] = listing["yours"]
    stored = Font.objects.get(pk=mine["id"]).file.name
    assert other_api.delete(f"/info/fonts/{mine['id']}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/info/fonts/{mine['id']}/").status_code == 204
    assert "Gone Sans" not in _families(api)
    assert not default_storage.exists(stored)
    assert api.delete(f"/info/fonts/{mine['id']}/").status_code == 404


def test_the_delete_endpoint_is_in_the_schema(api):
    schema = api.get("/schema/", HTTP_ACCEPT="application/json").json()
    assert "delete" in schema["paths"]["/info/fonts/{id}/"]


def test_listing_and_adding_never_reread_stored_fonts(api, tmp_path, django_assert_max_num_queries):
    for family in ("First Sans", "Second Sans"):
        ok(_add(api, tmp_path, family), 201)
    with mock.patch("media_assets.fonts._names_of", side_effect=AssertionError("a stored font was read again")):
        with django_assert_max_num_queries(4):
            listing = ok(api.get("/info/fonts/"))
    assert {"First Sans", "Second Sans"} <= {entry["family"] for entry in listing["fonts"]}
    real = __import__("media_assets.fonts", fromlist=["_names_of"])._names_of
    with mock.patch("media_assets.fonts._names_of", side_effect=real) as reads:
        ok(_add(api, tmp_path, "Third Sans"), 201)
    assert reads.call_count == 1  # the upload itself, not every installed font


def test_global_fonts_come_from_the_admin_and_reach_everyone(api, other_api, tmp_path, db):
    staff = get_user_model().objects.create_superuser("root", password="root-password-1")
    from django.test import Client
    admin = Client()
    admin.force_login(staff)
    path = make_font(tmp_path / "house.ttf", "House Sans")
    with open(path, "rb") as handle:
        response = admin.post("/cloud-admin/media_assets/font/add/", {"owner": "", "file": handle})
    assert response.status_code == 302, response.content[:2000]
    font = Font.objects.get()
    assert (font.owner, font.family, font.style) == (None, "House Sans", "Regular")
    assert "House Sans" in _families(api) and "House Sans" in _families(other_api)
    assert other_api.delete(f"/info/fonts/{font.pk}/").status_code == 404  # staff manage global fonts


def test_the_fonts_thumbnail_is_paged(api, tmp_path):
    listing = ok(_add(api, tmp_path, "Paged Sans"), 201)
    template = Font.objects.get(pk=listing["yours"][0]["id"])
    Font.objects.bulk_create(Font(owner=None, family=f"Many {i}", style="Regular", file=template.file.name, size=1)
                             for i in range(1100))  # past the 1,024 faces that made one JPEG too tall
    first = api.get("/info/fonts/thumbnail/")
    assert first.status_code == 200 and first["X-Page-Count"] == "12"
    assert Image.open(io.BytesIO(first.content)).height < 65_535
    last = api.get("/info/fonts/thumbnail/", {"page": 12})
    assert last.status_code == 200
    for page in ("13", "0", "x", "+1"):
        assert api.get("/info/fonts/thumbnail/", {"page": page}).status_code == 404
