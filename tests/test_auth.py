"""Authentication: tokens, Basic and Session, as the OpenShot documentation describes."""

import base64

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.factories import ok

pytestmark = pytest.mark.django_db


def _works(token: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/projects/").status_code == 200


def test_tokens_endpoint_returns_a_working_token_for_json(user):
    data = ok(APIClient().post("/tokens/", {"username": "alice", "password": "alice-password-1"}, format="json"))
    assert set(data) == {"token", "expiry"} and _works(data["token"])


def test_tokens_endpoint_accepts_a_form(user):
    data = ok(APIClient().post("/tokens/", {"username": "alice", "password": "alice-password-1"}))
    assert _works(data["token"])


def test_wrong_password_is_a_400_with_a_clear_message(user):
    response = APIClient().post("/tokens/", {"username": "alice", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "Unable to log in" in str(response.data)


def test_missing_credentials_are_field_errors(db):
    response = APIClient().post("/tokens/", {}, format="json")
    assert response.status_code == 400
    assert set(response.data) == {"username", "password"}


def test_token_header_authenticates(api):
    ok(api.get("/projects/"))


def test_basic_auth_authenticates(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"alice:alice-password-1").decode())
    ok(client.get("/projects/"))


def test_session_auth_authenticates(user):
    client = APIClient()
    assert client.login(username="alice", password="alice-password-1")
    ok(client.get("/projects/"))


@pytest.mark.parametrize("path", ["/projects/", "/files/", "/clips/", "/effects/"])
def test_anonymous_requests_are_refused(anonymous, path):
    assert anonymous.get(path).status_code in (401, 403)


def test_a_bad_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000")
    assert client.get("/projects/").status_code == 401


def test_api_root_is_browsable_without_login(anonymous):
    response = anonymous.get("/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"projects" in response.content
