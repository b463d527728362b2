"""Fixtures shared by the whole suite: users, API clients, generated media.

Media is generated with ffmpeg once per session (a few seconds, 160x90)
and every test writes its uploads to its own temporary MEDIA_ROOT.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests import mediagen


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (facet counts, for one), as a fresh server does."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_previews_on_ingest(settings):
    """A server makes every new file's previews; tests not about previews do not (a job, ffmpeg per upload).

    tests/previews/ and the storage previews test turn them back on.
    """
    settings.PREVIEWS_ON_INGEST = False


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.THUMBNAIL_CACHE_DIR = tmp_path / "thumbnails"
    return tmp_path / "media"


def _client_for(user) -> APIClient:
    from django.utils import timezone

    from config.models import ApiToken
    from config.tokens import token_create

    # Keys are stored only as digests: the client keeps the one it was given (client.token).
    # Marked as just used, so a test's first request does not also write `last_used`
    # (query-count tests count what serving a request costs, as before tokens were hashed).
    token, client_token = token_create(user=user)
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {client_token}")
    client.token = client_token
    client.user = user
    return client


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("alice", password="alice-password-1")


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user("bob", password="bob-password-1")


@pytest.fixture
def api(user) -> APIClient:
    return _client_for(user)


@pytest.fixture
def other_api(other_user) -> APIClient:
    return _client_for(other_user)


@pytest.fixture
def anonymous(db) -> APIClient:
    return APIClient()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("generated-media")


@pytest.fixture(scope="session")
def video_path(media_dir):
    return mediagen.make_video(media_dir / "clip.mp4", seconds=2.0)


@pytest.fixture(scope="session")
def image_path(media_dir):
    return mediagen.make_image(media_dir / "still.png")


@pytest.fixture(scope="session")
def audio_path(media_dir):
    return mediagen.make_audio(media_dir / "tone.mp3", seconds=2.0)
