"""Actions declared outside their resource's viewset (/projects/<id>/title/, /assets/<id>/add-to-project/,
the project actions exports declares) act on one object: list query parameters change nothing."""

import pytest

from tests.factories import create_project, ok
from tests.media_assets.catalog.helpers import create_asset, create_catalog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["ordering=text", "ordering=-font_size", "ordering=name", "text=x"])
def test_a_title_ignores_list_parameters(api, query):
    project = create_project(api)
    file = ok(api.post(f"/projects/{project['id']}/title/?{query}", {"text": "Hello"}, format="json"), 201)
    assert file["project"].endswith(f"/projects/{project['id']}/")


@pytest.mark.parametrize("query", ["ordering=position", "ordering=-layer", "ordering=name", "query=name:x"])
def test_add_to_project_ignores_list_parameters(api, query):
    asset = create_asset(api, create_catalog(api))
    project = create_project(api)
    response = api.post(f"/assets/{asset['id']}/add-to-project/?{query}", {"project": project["id"]}, format="json")
    assert response.status_code == 400, response.content  # the asset has no media: a field error, never a 500
    assert "no media file" in str(response.data)


@pytest.mark.parametrize("path", ["storage/?ordering=backend", "validate/?ordering=valid", "thumbnail/?ordering=width"])
def test_project_actions_of_exports_ignore_list_parameters(api, path):
    project = create_project(api)
    response = api.get(f"/projects/{project['id']}/{path}")
    assert response.status_code in (200, 400), response.content  # an empty project has no frame to show: 400


def test_another_users_asset_is_a_404_for_add_to_project(api, other_api):
    asset = create_asset(other_api, create_catalog(other_api))
    project = create_project(api)
    response = api.post(f"/assets/{asset['id']}/add-to-project/", {"project": project["id"]}, format="json")
    assert response.status_code == 404, response.content
