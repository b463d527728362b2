"""/files/<id>/text-replace/: editing text-based media (SVG titles) in place."""

from __future__ import annotations

import pytest

from media_assets.models import File
from tests.factories import create_project, ok, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def title(api):
    project = create_project(api, name="Templates")
    return ok(api.post(f"/projects/{project['id']}/title/", {"text": "Find Me\nand Find Me again"}, format="json"), 201)


def _text(file_id: int, media_root) -> str:
    return (media_root / File.objects.get(pk=file_id).media.name).read_text()


def test_replace_edits_the_svg_in_place(api, title, isolated_media):
    updated = ok(api.post(f"/files/{title['id']}/text-replace/", {"search": "Find Me", "replace": "Replacement"}, format="json"))
    assert updated["id"] == title["id"] and updated["replacements"] == 4  # two in the lines, two in the <title>
    text = _text(title["id"], isolated_media)
    assert "Find Me" not in text and text.count("Replacement") == 4
    assert updated["json"]["vcodec"] == "svg" and updated["json"]["path"] == File.objects.get(pk=title["id"]).media.name


def test_replacement_text_is_xml_escaped(api, title, isolated_media):
    ok(api.post(f"/files/{title['id']}/text-replace/", {"search": "Find Me", "replace": "Q&A <live>"}, format="json"))
    text = _text(title["id"], isolated_media)
    assert "Q&amp;A &lt;live&gt;" in text
    again = ok(api.post(f"/files/{title['id']}/text-replace/", {"search": "Q&A <live>", "replace": "Done"}, format="json"))
    assert again["replacements"] == 4


def test_nothing_found_changes_nothing(api, title, isolated_media):
    before = _text(title["id"], isolated_media)
    updated = ok(api.post(f"/files/{title['id']}/text-replace/", {"search": "absent", "replace": "x"}, format="json"))
    assert updated["replacements"] == 0 and _text(title["id"], isolated_media) == before


def test_binary_media_is_refused(api, video_path):
    project = create_project(api, name="Video")
    video = upload_file(api, project, video_path)
    response = api.post(f"/files/{video['id']}/text-replace/", {"search": "a", "replace": "b"}, format="json")
    assert response.status_code == 400, response.data
    assert "video media, not text" in str(response.data)


def test_an_empty_search_is_a_400(api, title):
    response = api.post(f"/files/{title['id']}/text-replace/", {"search": "", "replace": "b"}, format="json")
    assert response.status_code == 400 and "search" in response.data


def test_another_users_file_is_a_404(other_api, title):
    assert other_api.post(f"/files/{title['id']}/text-replace/", {"search": "a"}, format="json").status_code == 404
