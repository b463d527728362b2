"""The admin at /cloud-admin/ manages users, tokens and the API's objects."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("path", [
    "/cloud-admin/", "/cloud-admin/auth/user/", "/cloud-admin/authtoken/token/",
    "/cloud-admin/projects/project/", "/cloud-admin/projects/clip/", "/cloud-admin/projects/effect/",
    "/cloud-admin/media_assets/file/", "/cloud-admin/exports/export/",
    "/cloud-admin/review/comment/", "/cloud-admin/review/commentattachment/", "/cloud-admin/media_assets/asset/",
])
def test_admin_pages_load(staff_client, path):
    assert staff_client.get(path).status_code == 200


def test_user_page_shows_the_tokens_by_prefix(staff_client, api, user):
    page = staff_client.get(f"/cloud-admin/auth/user/{user.pk}/change/").content.decode()
    assert api.token[:15] in page and api.token not in page


def test_regenerate_token_action(staff_client, api, user):
    old = api.token
    response = staff_client.post("/cloud-admin/auth/user/", {"action": "regenerate_tokens", "_selected_action": [user.pk]},
                                 follow=True)
    assert api.get("/projects/").status_code == 401  # the old key is revoked
    shown = [str(message) for message in response.context["messages"]]
    new_key = shown[0].rsplit(" ", 1)[-1]
    assert new_key != old and len(new_key) == 64
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert api.get("/projects/").status_code == 200


def test_an_exports_own_cloud_credentials_never_show_in_the_admin(staff_client, user):
    from exports.models import Export
    from projects.models import Project

    project = Project.objects.create(owner=user, name="P")
    export = Export.objects.create(owner=user, project=project, json={
        "bucket": "client-renders", "url": "r/x.mp4", "aws_access_key_id": "AKIDEXAMPLE",
        "aws_secret_access_key": "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"})
    page = staff_client.get(f"/cloud-admin/exports/export/{export.pk}/change/").content.decode()
    assert "client-renders" in page
    assert "AKIDEXAMPLE" not in page and "wJalrXUtnFEMI" not in page
