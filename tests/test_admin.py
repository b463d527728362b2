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


def test_user_page_shows_the_token(staff_client, user):
    response = staff_client.get(f"/cloud-admin/auth/user/{user.pk}/change/")
    assert user.auth_token.key in response.content.decode()


def test_regenerate_token_action(staff_client, user):
    old = user.auth_token.key
    staff_client.post("/cloud-admin/auth/user/", {"action": "regenerate_tokens", "_selected_action": [user.pk]})
    user.refresh_from_db()
    assert user.auth_token.key != old


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
