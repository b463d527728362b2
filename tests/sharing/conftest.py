"""Fixtures for playlists and share links: alice's catalog shared with bob, assets with media."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.conftest import _client_for  # noqa: F401
from tests.media_assets.catalog.conftest import catalog, editor_api, team, third_api, viewer_api  # noqa: F401
from tests.media_assets.catalog.helpers import create_asset, upload_asset


@pytest.fixture
def clip(api, catalog, video_path) -> dict:
    return upload_asset(api, catalog, video_path, name="Cut 1")


@pytest.fixture
def still(api, catalog) -> dict:
    return create_asset(api, catalog, name="No media")


@pytest.fixture
def group(db) -> Group:
    return Group.objects.create(name="other")
