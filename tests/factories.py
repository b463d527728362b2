"""Building blocks for API tests: objects made through the API as a client would."""

from __future__ import annotations

import json
from pathlib import Path

from rest_framework.test import APIClient


def ok(response, status: int = 200):
    """The response's data, asserting the status (and printing the body when it is not)."""
    body = getattr(response, "data", None)
    if body is None:
        body = response.content[:2000]
    assert response.status_code == status, f"{response.status_code}: {body}"
    return response.data if hasattr(response, "data") else response


def create_project(api: APIClient, **fields) -> dict:
    data = {"name": "Example Project", **fields}
    return ok(api.post("/projects/", data, format="json"), 201)


def upload_file(api: APIClient, project: dict, path: Path, *, client_json: dict | None = None) -> dict:
    with open(path, "rb") as handle:
        data = {"media": handle, "project": project["url"], "json": json.dumps(client_json or {})}
        return ok(api.post("/files/", data, format="multipart"), 201)


def create_clip(api: APIClient, project: dict, file: dict, **fields) -> dict:
    data = {"file": file["url"], "project": project["url"], "position": 0.0, "start": 0.0, "end": 2.0, "layer": 1, **fields}
    return ok(api.post("/clips/", data, format="json"), 201)
