"""Issue 12, finding 5: failed logins are limited per account and per address, before any password hash."""

import base64
import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from rest_framework.test import APIClient

from tests.factories import ok

pytestmark = pytest.mark.django_db

TIGHT = {"user": "5/min", "anon": None, "login_account": "3/min", "login_address": "6/min"}


@pytest.fixture
def tight(settings):
    settings.API_THROTTLE_RATES = dict(TIGHT)
    return settings


def _token_login(password, username="alice", address="10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post("/tokens/", {"username": username, "password": password}, format="json")


def _basic(password, username="alice", address="10.0.0.1"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{username}:{password}".encode()).decode())
    return client.get("/projects/")


def _session_login(path, password, username="alice", address="10.0.0.1"):
    client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT="text/html")
    client.get(path)
    return client.post(path, {"username": username, "password": password, "next": "/"})


def test_tokens_lock_the_account_with_a_429_and_retry_after(tight, user, caplog):
    for _ in range(3):
        assert _token_login("wrong").status_code == 400
    with caplog.at_level(logging.WARNING, logger="config.api.throttles"):
        response = _token_login("alice-password-1")  # even the right password, while locked
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many failed logins" in response.json()["detail"]
    refused = [record.getMessage() for record in caplog.records if "login refused" in record.getMessage()]
    assert len(refused) == 1 and "account='alice'" in refused[0] and "\n" not in refused[0]


def test_the_limit_is_checked_before_the_password_is_hashed(tight, user, monkeypatch):
    for _ in range(3):
        _token_login("wrong")
    calls = []
    real = PBKDF2PasswordHasher.encode
    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    assert _token_login("wrong").status_code == 429
    assert _basic("wrong").status_code == 429
    assert calls == []


def test_basic_auth_is_limited_too(tight, user):
    for _ in range(3):
        assert _basic("wrong").status_code in (401, 403)
    response = _basic("alice-password-1")
    assert response.status_code == 429 and response["Retry-After"]


def test_other_accounts_are_limited_per_address(tight, db):
    for number in range(6):
        _token_login("wrong", username=f"nobody{number}")
    get_user_model().objects.create_user("erin", password="erin-password-1")
    assert _token_login("erin-password-1", username="erin").status_code == 429
    assert _token_login("erin-password-1", username="erin", address="10.0.0.2").status_code == 200


@pytest.mark.parametrize("path", ["/api-auth/login/", "/cloud-admin/login/"])
def test_session_and_admin_logins_are_limited(tight, user, path):
    for _ in range(3):
        assert _session_login(path, "wrong").status_code == 200  # the form again, with its error
    response = _session_login(path, "alice-password-1")
    assert response.status_code == 429 and response["Retry-After"]


def test_successes_do_not_count(tight, user):
    for _ in range(10):
        ok(_token_login("alice-password-1"))


def test_default_limits_are_generous(user):
    for _ in range(5):
        _token_login("wrong")
    ok(_token_login("alice-password-1"))


def test_api_requests_are_limited_per_user_when_configured(tight, api, other_api):
    for _ in range(5):
        ok(api.get("/projects/"))
    response = api.get("/projects/")
    assert response.status_code == 429 and response["Retry-After"]
    ok(other_api.get("/projects/"))


def test_a_login_from_no_known_address_is_counted_not_a_500(tight, user):
    """Found by schemathesis: a WSGI request without REMOTE_ADDR made the address counter fail."""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/tokens/")
    del request.META["REMOTE_ADDR"]
    assert authenticate(request, username="alice", password="wrong") is None
