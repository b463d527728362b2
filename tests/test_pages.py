"""The pages people see in a browser (templates/): the landing page at /, the browsable API, the admin."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_the_api_root_in_a_browser_is_montages_landing_page(client):
    page = client.get("/", HTTP_ACCEPT="text/html").content.decode()
    assert "<title>Api Root – Montage</title>" in page
    assert "navbar-brand" in page and ">Montage</a>" in page
    assert "POST /tokens/" in page
    assert 'href="/swagger-ui/"' in page and 'href="/redoc/"' in page and 'href="/schema/"' in page
    assert 'href="/cloud-admin/"' not in page  # only staff get the admin link


def test_the_api_root_still_answers_json_to_scripts(client):
    response = client.get("/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json" and "projects" in response.json()


def test_other_browsable_pages_keep_their_own_description_and_show_the_admin_to_staff(client):
    staff = get_user_model().objects.create_user("stella", password="stella-password-1", is_staff=True)
    client.force_login(staff)
    page = client.get("/info/", HTTP_ACCEPT="text/html").content.decode()
    assert "– Montage</title>" in page and "POST /tokens/" not in page
    assert 'href="/cloud-admin/"' in page


def test_the_admin_links_back_to_the_api(client):
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    client.force_login(admin)
    page = client.get("/cloud-admin/").content.decode()
    assert "Montage administration" in page
    assert 'href="/">API</a>' in page and 'href="/swagger-ui/">API docs</a>' in page
