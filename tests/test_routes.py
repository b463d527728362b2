"""Each app declares its own routes (`<app>/api/urls.py`); the root URLconf only includes them.

Whichever app declares a route, clients see the same API: the root lists
every resource, and every action an object lists in `actions` has a route
of the name it is listed under (a missing name would silently drop out of
`actions`, since a name that does not reverse is skipped).
"""

import pytest
from django.urls import resolve, reverse

from exports.api.serializers import ExportSerializer
from media_assets.api.asset_serializers import AssetSerializer
from media_assets.api.serializers import FileSerializer
from projects.api.serializers import ClipSerializer, EffectSerializer, ProjectSerializer
from tests.factories import ok

RESOURCES = {"projects", "files", "clips", "effects", "exports", "catalogs", "assets", "fields", "smart-folders",
             "playlists", "share-links", "subscriptions", "comments"}


def test_the_api_root_lists_every_resource(anonymous):
    data = ok(anonymous.get("/", HTTP_ACCEPT="application/json"))
    assert set(data) == RESOURCES
    assert all(url.endswith(f"/{name}/") for name, url in data.items())


@pytest.mark.parametrize("serializer", [ProjectSerializer, ClipSerializer, EffectSerializer, FileSerializer,
                                        ExportSerializer, AssetSerializer])
def test_every_action_an_object_lists_has_its_route(serializer):
    missing = []
    for name in serializer.action_names:
        try:
            reverse(f"{serializer.basename}-{name}", args=[7])
        except Exception as error:  # NoReverseMatch, named in the message
            missing.append(f"{serializer.basename}-{name}: {error}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("path, app", [
    ("/projects/7/files/", "media_assets"), ("/projects/7/clips/", "projects"), ("/projects/7/exports/", "exports"),
    ("/projects/7/title/", "projects"), ("/projects/7/thumbnail/", "exports"), ("/assets/7/add-to-project/", "projects"),
    ("/assets/7/markers/", "media_assets"), ("/info/", "exports"), ("/info/fonts/", "media_assets"),
])
def test_nested_routes_and_actions_resolve_to_the_app_that_declares_them(path, app):
    """Nested collections and cross-app actions come before the router's patterns, so they win."""
    view = resolve(path).func.cls
    assert view.__module__.split(".")[0] == app, f"{path} is answered by {view.__module__}.{view.__name__}"


def test_every_hand_written_route_takes_ids_in_the_strict_grammar():
    """`<int:>` takes `0001` and 5,000 digits; every id in a path is `<id:>` (config.api.ids)."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    loose = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            converters = getattr(entry.pattern, "converters", {})
            loose.extend(f"{route} ({name})" for name, c in converters.items() if isinstance(c, IntConverter))
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            else:
                assert isinstance(entry, URLPattern)

    walk(get_resolver().url_patterns)
    assert loose == []
