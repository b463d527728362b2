"""Building catalog objects through the API, as a client would."""

from __future__ import annotations

import json
from pathlib import Path

from rest_framework.test import APIClient

from tests.factories import ok


def create_catalog(api: APIClient, **fields) -> dict:
    return ok(api.post("/catalogs/", {"name": "Catalog", **fields}, format="json"), 201)


def share(api: APIClient, catalog: dict, group, role: str) -> dict:
    return ok(api.patch(catalog["url"], {"shares": [{"group": group.name, "role": role}]}, format="json"))


def create_asset(api: APIClient, catalog: dict, **fields) -> dict:
    data = {"catalog": catalog["id"], "name": "Asset", **fields}
    return ok(api.post("/assets/", data, format="json"), 201)


def upload_asset(api: APIClient, catalog: dict, path: Path, **fields) -> dict:
    with open(path, "rb") as handle:
        data = {"media": handle, **{key: json.dumps(value) if isinstance(value, (dict, list)) else value
                                    for key, value in fields.items()}}
        return ok(api.post(f"/catalogs/{catalog['id']}/assets/", data, format="multipart"), 201)


def create_field(api: APIClient, identifier: str, type: str, **fields) -> dict:
    data = {"identifier": identifier, "name": identifier.replace("_", " ").title(), "type": type, **fields}
    return ok(api.post("/fields/", data, format="json"), 201)


def tc(frames: int | None = None, **fields) -> dict:
    """A timecode object as a client sends it."""
    return {"frm": frames, **fields} if frames is not None else fields
