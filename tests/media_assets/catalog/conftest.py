"""Fixtures for the catalog tests: catalogs, group members, staff, assets made through the API."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.conftest import _client_for
from tests.media_assets.catalog.helpers import create_catalog, share


@pytest.fixture
def catalog(api) -> dict:
    return create_catalog(api, name="Rushes")


@pytest.fixture
def staff_api(db):
    staff = get_user_model().objects.create_user("stella", password="stella-password-1", is_staff=True)
    return _client_for(staff)


@pytest.fixture
def third_api(db):
    return _client_for(get_user_model().objects.create_user("carol", password="carol-password-1"))


@pytest.fixture
def team(user, other_user) -> Group:
    """A group with the catalog owner (alice) and bob."""
    group = Group.objects.create(name="team")
    group.user_set.add(user, other_user)
    return group


@pytest.fixture
def viewer_api(api, other_api, catalog, team):
    """bob, who sees alice's catalog as a viewer."""
    share(api, catalog, team, "viewer")
    return other_api


@pytest.fixture
def editor_api(api, other_api, catalog, team):
    """bob, who edits what is in alice's catalog."""
    share(api, catalog, team, "editor")
    return other_api
