"""Issue 12, Build 5: every URL pattern × every method × hostile and foreign ids × every kind of caller.

The patterns come from the URL conf at test time (the routers, config/urls.py
and what it includes, the admin too), so a new endpoint is covered without
editing this file. For each pattern, each method and each caller:

* nothing answers a 5xx;
* a hostile id (`+1`, padded, 5,000 digits, negative, other scripts' digits,
  non-integers) is a 404: the URL names nothing;
* another user's object answers exactly what a missing one does (404 for a
  read), so its existence never shows;
* an anonymous caller gets 401/403 except on the few public pages listed here.

Each category's count of requests is printed (`-s` shows it).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import Resolver404, get_resolver, resolve
from rest_framework.test import APIClient

from config.tokens import token_create
from exports.models import Export
from media_assets.catalog.models import MetadataField
from projects.models import Effect
from tests.conftest import _client_for
from tests.factories import create_clip, create_project, ok, upload_file
from tests.media_assets.catalog.helpers import create_asset, create_catalog

pytestmark = pytest.mark.django_db

METHODS = ["get", "head", "post", "put", "patch", "options", "delete"]
HOSTILE_IDS = ["abc", "null", "+1", "1%20", "%201", "-1", "9" * 5000, "9" * 19, "9" * 25, "%D9%A3", "%C2%B2", "1e3", "%F0%9F%98%80"]
ADMIN_HOSTILE_IDS = ["abc", "+1", "9" * 5000, "%C2%B2", "1e3"]
MISSING_ID = "999999999999"
#: URL params holding an object id (the admin's too)
ID_PARAMS = {"pk", "parent_pk", "folder_pk", "id", "object_id", "content_type_id", "_0", "_1"}
#: patterns an anonymous caller may use (as regexes over the path, without the leading slash)
#: (`s/…` are share links' guest pages: a token, not an account, opens them)
PUBLIC = re.compile(r"^(|tokens/|schema/|swagger-ui/|redoc/|api-auth/log(in|out)/|cloud-admin/.*|s/.*)$")
#: which object a URL's id names, from the path segment before it
COLLECTION_OF_SEGMENT = {
    "projects": "project", "files": "file", "clips": "clip", "effects": "effect", "exports": "export",
    "catalogs": "catalog", "assets": "asset", "markers": "marker", "smart-folders": "folder", "fields": "field",
}


def url_patterns() -> list[tuple[str, tuple[str, ...]]]:
    """(format string like `projects/%(pk)s/`, its params) for every pattern the URL conf can reverse."""
    found = set()

    def walk(resolver, prefix: str) -> None:
        for key in list(resolver.reverse_dict.keys()):
            for possibility, *_ in resolver.reverse_dict.getlist(key):
                for fmt, params in possibility:
                    found.add((prefix + fmt, tuple(params)))
        for namespace_prefix, sub in resolver.namespace_dict.values():
            walk(sub, prefix + re.sub(r"\\(.)", r"\1", namespace_prefix))

    walk(get_resolver(), "")
    return sorted(found)


def _world(user, api, image_path) -> dict:
    """One object of every kind, owned by `user`."""
    project = create_project(api)
    file = upload_file(api, project, image_path)
    clip = create_clip(api, project, file)
    catalog = create_catalog(api)
    asset = create_asset(api, catalog)
    marker = ok(api.post(f"/assets/{asset['id']}/markers/", {"name": "M", "in": 0}, format="json"), 201)
    folder = ok(api.post("/smart-folders/", {"name": "F", "query": "((clip.name)has(car))"}, format="json"), 201)
    from projects.models import Project

    project_row = Project.objects.get(pk=project["id"])
    effect = Effect.objects.create(owner=user, project=project_row, type="Blur")
    export = Export.objects.create(owner=user, project=project_row)
    field = MetadataField.objects.create(identifier=f"f{user.pk}", name="F", type="text", catalog_id=catalog["id"])
    token, _ = token_create(user=user)
    return {
        "project": project["id"], "file": file["id"], "clip": clip["id"], "effect": effect.pk, "export": export.pk,
        "catalog": catalog["id"], "asset": asset["id"], "marker": marker["id"], "folder": folder["id"],
        "field": field.pk, "prefix": token.token_key, "path": file["media"].split("/media/", 1)[-1],
    }


def _routable_url(fmt: str, params: tuple[str, ...], world: dict) -> str | None:
    """The URL with its other params as "x", else as "1" (an `<int:>` one), else None (no generic value routes)."""
    for other in (None, "1"):
        override = {name: other for name in params if other and name not in ID_PARAMS and name != "format"}
        url = _url(fmt, params, world, override or None)
        try:
            resolve(url.split("?")[0])
            return url
        except Resolver404:
            continue
    return None


def _url(fmt: str, params: tuple[str, ...], world: dict, override: dict | None = None) -> str:
    values = {}
    segments = fmt.split("/")
    for name in params:
        if override and name in override:
            values[name] = override[name]
        elif name == "format":
            values[name] = "json"
        elif name in ("prefix", "path"):
            values[name] = world[name] if name in world else "x"
        elif name in ("app_label",):
            values[name] = "projects"
        elif name == "url":
            values[name] = "nothing/"
        elif name in ID_PARAMS:
            before = next((segments[i - 1] for i, part in enumerate(segments) if f"%({name})s" in part and i), "")
            kind = COLLECTION_OF_SEGMENT.get(before.split(".")[0])
            values[name] = str(world.get(kind, 1)) if kind else "1"
        else:
            values[name] = "x"
    return "/" + fmt % values


def _request(client, method: str, url: str):
    client.raise_request_exception = False  # a 500 is a response to count, not an exception that stops the walk
    if method in ("post", "put", "patch"):
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url)


@pytest.fixture
def callers(user, other_user, api, other_api, image_path):
    return {
        "mine": _world(user, api, image_path),
        "theirs": _world(other_user, other_api, image_path),
        "owner": api,
        "anonymous": APIClient(),
    }


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    # thousands of requests by one user in a few seconds are the point here
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "user": None, "anon": None}
    settings.PREVIEW_WAIT_SECONDS = 0.2  # no worker renders previews here: answer "busy" quickly


def _check(failures: list, label: str, response, expected=None) -> None:
    # a 503 with Retry-After (a preview no worker rendered in time) says "busy, come back", not "broken"
    shed_load = response.status_code == 503 and response.has_header("Retry-After")
    if (response.status_code >= 500 and not shed_load) or (expected is not None and response.status_code not in expected):
        failures.append(f"{label} -> {response.status_code} {getattr(response, 'content', b'')[:120]!r}")


def test_no_url_answers_a_5xx_to_hostile_ids(callers):
    failures, counts = [], Counter()
    staff = _client_for(get_user_model().objects.create_user("root", password="root-password-1", is_staff=True,
                                                             is_superuser=True))
    staff.force_login(staff.user)
    for fmt, params in url_patterns():
        id_params = [name for name in params if name in ID_PARAMS]
        hostile_params = id_params or [name for name in params if name in ("prefix", "path")]
        is_admin = fmt.startswith("cloud-admin/")
        clients = {"owner": staff if is_admin else callers["owner"], "anonymous": callers["anonymous"]}
        # the admin's pages are HTML for staff: its reads, with the ids most likely to break a query
        methods = ["get"] if is_admin else METHODS
        hostile = ADMIN_HOSTILE_IDS if is_admin else HOSTILE_IDS
        for name in hostile_params:
            for raw in hostile + (["..%2F..%2Fetc%2Fpasswd", "%00", "a" * 5000] if name == "path" else []):
                url = _url(fmt, params, callers["mine"], {name: raw})
                for who, client in clients.items():
                    for method in methods:
                        response = _request(client, method, url)
                        counts["hostile id"] += 1
                        # 19-25 digits still fit `<int:…>` routes (not the routers' 18): a missing object, never a 5xx
                        beyond_int64 = raw.isdigit() and 18 < len(raw) < 4300
                        must_be = {404} if name in ID_PARAMS and not is_admin and not beyond_int64 else None
                        _check(failures, f"{who} {method.upper()} {url[:80]}", response, must_be)
    print(f"\nURL matrix, hostile ids: {dict(counts)} requests, {len(failures)} failures")
    assert not failures, "\n".join(failures[:40])


def test_another_users_objects_answer_as_missing_ones_and_nothing_5xx(callers):
    failures, counts = [], Counter()
    api = callers["owner"]
    patterns = [(fmt, params) for fmt, params in url_patterns() if not fmt.startswith("cloud-admin/")]
    for method in METHODS:  # DELETE last: the owner's own objects are still there for every other method
        for fmt, params in patterns:
            if not params or set(params) <= {"format"}:
                continue
            foreign = _url(fmt, params, callers["theirs"])
            missing = _url(fmt, params, {key: MISSING_ID if key not in ("prefix", "path") else "0" * 15
                                         for key in callers["mine"]})
            response, expected = _request(api, method, foreign), _request(api, method, missing)
            counts["other user's object"] += 1
            wanted = {expected.status_code} & ({404, 405} if method in ("get", "head") else {expected.status_code})
            _check(failures, f"other {method.upper()} {foreign}", response, wanted)
    print(f"\nURL matrix, foreign objects: {dict(counts)} requests, {len(failures)} failures")
    assert not failures, "\n".join(failures[:40])


def test_anonymous_callers_are_refused_and_owners_never_see_a_5xx(callers):
    failures, counts = [], Counter()
    patterns = [(fmt, params) for fmt, params in url_patterns() if not fmt.startswith("cloud-admin/")]
    for method in METHODS:
        for fmt, params in patterns:
            url = _routable_url(fmt, params, callers["mine"])
            if url is None:
                counts["anonymous, not routable with generic values"] += 1
                continue
            response = _request(callers["anonymous"], method, url)
            counts["anonymous"] += 1
            public = PUBLIC.match(url[1:]) or url.startswith("/media/")
            _check(failures, f"anonymous {method.upper()} {url}", response, None if public else {401, 403})
    for method in METHODS:
        for fmt, params in patterns:
            url = _url(fmt, params, callers["mine"])
            response = _request(callers["owner"], method, url)
            counts["owner"] += 1
            _check(failures, f"owner {method.upper()} {url}", response)
    print(f"\nURL matrix, callers: {dict(counts)} requests, {len(failures)} failures")
    assert not failures, "\n".join(failures[:40])
