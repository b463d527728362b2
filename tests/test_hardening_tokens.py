"""Issue 12, finding 6: tokens are stored hashed, shown once, listed by prefix, revocable, capped, may expire."""

import datetime
import hashlib
import importlib
import os
import stat
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.models import ApiToken
from config.tokens import token_create
from tests.factories import ok

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[1]


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _login(**fields) -> dict:
    return ok(APIClient().post("/tokens/", {"username": "alice", "password": "alice-password-1", **fields}, format="json"))


def test_the_database_holds_only_a_digest(user):
    key = _login()["token"]
    row = ApiToken.objects.get(user=user)
    assert row.digest == hashlib.sha512(key.encode()).hexdigest()
    assert key not in {getattr(row, field.attname) for field in ApiToken._meta.fields if field.attname != "user_id"} - {row.token_key}
    assert row.token_key == key[:15]
    assert not Token.objects.exists()


def test_every_post_gives_a_new_working_token(user):
    first, second = _login()["token"], _login()["token"]
    assert first != second
    assert _client(first).get("/projects/").status_code == 200
    assert _client(second).get("/projects/").status_code == 200


def test_a_token_records_when_it_was_last_used(user):
    key = _login()["token"]
    assert ApiToken.objects.get(user=user).last_used is None
    ok(_client(key).get("/projects/"))
    assert ApiToken.objects.get(user=user).last_used is not None


def test_owner_lists_tokens_by_prefix_and_revokes_one(api, user):
    other_key = _login()["token"]
    listed = ok(api.get("/tokens/"))
    assert {entry["prefix"] for entry in listed} == {api.token[:15], other_key[:15]}
    assert all(set(entry) == {"prefix", "created", "last_used", "expiry"} for entry in listed)
    assert other_key not in str(listed)
    assert api.delete(f"/tokens/{other_key[:15]}/").status_code == 204
    assert _client(other_key).get("/projects/").status_code == 401
    assert api.get("/projects/").status_code == 200


def test_nobody_revokes_another_users_token(api, other_api):
    assert other_api.delete(f"/tokens/{api.token[:15]}/").status_code == 404
    assert api.get("/projects/").status_code == 200


def test_listing_tokens_needs_credentials(anonymous):
    assert anonymous.get("/tokens/").status_code in (401, 403)


def test_past_the_cap_the_least_recently_used_is_revoked(settings, user):
    settings.API_TOKEN_LIMIT_PER_USER = 2
    used, unused = _login()["token"], _login()["token"]
    ApiToken.objects.filter(token_key=used[:15]).update(last_used=timezone.now())
    ApiToken.objects.filter(token_key=unused[:15]).update(created=timezone.now() - datetime.timedelta(days=1))
    newest = _login()["token"]
    assert ApiToken.objects.filter(user=user).count() == 2
    assert _client(unused).get("/projects/").status_code == 401
    assert _client(used).get("/projects/").status_code == 200
    assert _client(newest).get("/projects/").status_code == 200


def test_tokens_may_expire(settings, user):
    settings.API_TOKEN_TTL_DAYS = 1
    data = _login()
    assert data["expiry"] is not None
    ApiToken.objects.filter(user=user).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert _client(data["token"]).get("/projects/").status_code == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_tokens_do_not_expire_by_default(user):
    assert _login()["expiry"] is None


@pytest.mark.parametrize("header", ["Token caf\u00e9", "Token " + "a" * 5000, "Token ", "Token a b"])
def test_malformed_token_headers_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/projects/").status_code == 401


def test_createtoken_prints_a_new_working_key(user):
    out = StringIO()
    call_command("createtoken", "alice", stdout=out)
    key = out.getvalue().strip()
    assert len(key) == 64 and _client(key).get("/projects/").status_code == 200


def test_createtoken_explains_itself_and_refuses_unknown_users(db):
    from django.core.management import CommandError, load_command_class

    help_text = load_command_class("config", "createtoken").create_parser("manage.py", "createtoken").format_help()
    assert "USER" in help_text.upper() and "digest" in help_text
    with pytest.raises(CommandError):
        call_command("createtoken", "nobody")


def test_serve_prints_a_token_only_when_it_makes_the_admin(db):
    from config.management.commands.serve import Command

    out = StringIO()
    command = Command(stdout=out)
    command._ensure_admin("boss")
    first = out.getvalue()
    assert "API token of 'boss'" in first
    key = first.rsplit(" ", 1)[-1].strip()
    assert _client(key).get("/projects/").status_code == 200
    command._ensure_admin("boss")
    assert out.getvalue() == first


def test_plaintext_tokens_are_migrated_and_keep_working(db):
    """The data migration turns an authtoken row into a digest; the old key still authenticates."""
    user = get_user_model().objects.create_user("dora", password="dora-password-1")
    old = Token.objects.create(user=user)
    from django.apps import apps

    migration = importlib.import_module("config.migrations.0002_tokens_from_authtoken")
    migration.hash_plaintext_tokens(apps, None)
    assert not Token.objects.exists()
    row = ApiToken.objects.get(user=user)
    assert row.digest != old.key and row.token_key == old.key[:15]
    assert _client(old.key).get("/projects/").status_code == 200


def test_database_and_secret_key_files_are_private(tmp_path):
    """A fresh data directory: the SQLite file and the generated secret key are created 0600."""
    script = ("import django; from django.conf import settings; django.setup();"
              "from django.db import connection; connection.ensure_connection()")
    env = {**os.environ, "MONTAGE_EMBEDDED": "1", "MONTAGE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(REPO),
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("SECRET_KEY", None)
    subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, check=True, timeout=120)
    for name in ("secret_key", "montage.sqlite3"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
