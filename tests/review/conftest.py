"""Fixtures for review: alice's catalog shared with bob (viewer or editor), an asset at 29.97 drop-frame."""

import pytest

from tests.media_assets.catalog.conftest import catalog, editor_api, team, third_api, viewer_api  # noqa: F401
from tests.media_assets.catalog.helpers import create_asset


@pytest.fixture
def asset(api, catalog):  # noqa: F811
    """01:00:00;00–01:10:00;00 at 29.97 drop-frame."""
    return create_asset(api, catalog, name="Cut", fmt=2997, media_start="01:00:00;00", media_end="01:10:00;00")


def comments_url(asset: dict) -> str:
    return f"/assets/{asset['id']}/comments/"
