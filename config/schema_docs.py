"""What Redoc and Swagger UI show as headings: tag descriptions and a human summary per operation.

drf-spectacular names operations by id (`assets_list`) and takes their
description from the view's docstring; headings need a short summary. The
postprocessing hook `add_summaries` writes one where a view gave none, from
the path's shape for the usual verbs ("List assets", "Get a catalog",
"Create a file in a project") and from the first clause of the docstring for
actions ("Re-queue a failed export"), so no view module has to be edited.
"""

from __future__ import annotations

import re

TAGS = [
    {"name": "projects", "description": "Video projects: the top object that files, clips, effects and exports "
                                        "belong to; their timeline JSON, archives, interchange formats and titles."},
    {"name": "files", "description": "Media files (video, audio, images) uploaded or imported into a project, "
                                     "with the probe's metadata, thumbnails and downloads."},
    {"name": "clips", "description": "Files placed on a project's timeline: position, trim, layer and keyframed "
                                     "properties (OpenShot's clip JSON)."},
    {"name": "effects", "description": "Effects over a span of a layer (libopenshot's effects and their properties)."},
    {"name": "exports", "description": "Render jobs: queued `pending`, rendered by a worker, `completed` with a "
                                       "download (or `failed` with the reason); retry, cancel, webhooks."},
    {"name": "catalogs", "description": "Catalogs of media (CatDV's model), shared with groups as viewer or editor."},
    {"name": "assets", "description": "Catalog entries: media with timecode, markers, user fields, subclips and "
                                      "sequences; queries, facets and history."},
    {"name": "fields", "description": "Typed user fields that staff define, globally or for one catalog."},
    {"name": "smart-folders", "description": "Saved queries whose assets are listed live."},
    {"name": "tokens", "description": "Exchange a username and password for an API token."},
    {"name": "info", "description": "What this server offers: effects, fonts, and whether render workers are running."},
    {"name": "uploads", "description": "Resumable uploads (the tus 1.0.0 protocol); a finished upload becomes a file "
     "(and an asset when a catalog was named)."},
    {"name": "comments", "description": "Review notes on catalog assets: frame-exact, with drawings, replies, "
     "reactions, attachments; resolved by the author, the catalog's owner or editors."},
    {"name": "playlists", "description": "Review playlists: an ordered list of one catalog's assets, each with a note."},
    {"name": "share-links", "description": "Links that show an asset, a playlist or a smart folder to a guest with "
     "no account; the token is shown once."},
    {"name": "s", "description": "The guest side of a share link (`/s/<token>/`): what is shared, unlock, "
     "guest comments, downloads."},
    {"name": "subscriptions", "description": "Signed webhooks for review and render events, with each delivery's "
     "attempts."},
]

_VERBS = {"get": "Get", "put": "Replace", "patch": "Update", "delete": "Delete"}
_PARAM = re.compile(r"^\{.+\}$")


def _singular(name: str) -> str:
    name = name.replace("-", " ").replace("_", " ")
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _first_clause(description: str) -> str:
    text = re.sub(r"^/[^\s:]*:\s*", "", description.strip())  # "/info/effects/: every effect ..." -> "every effect"
    clause = re.split(r"(?<=[a-z0-9`)])\.(\s|$)|\s\(|:\s|;\s|\n", text, maxsplit=1)[0].strip().rstrip(".")
    # "Add, replace or remove keyframes: ..." is more than its first word.
    text = clause if " " in clause else re.split(r"(?<=[a-z0-9`)])\.(\s|$)|\n", text, maxsplit=1)[0].rstrip(".")
    if len(text) > 80:
        text = text[:77].rsplit(" ", 1)[0] + "…"
    return text[:1].upper() + text[1:]


def summary_for(method: str, path: str, operation: dict, collections: set[str]) -> str:
    """A heading for one operation, from its path's shape or its docstring."""
    segments = [segment for segment in path.strip("/").split("/") if segment]
    statics = [segment for segment in segments if not _PARAM.match(segment)]
    last = segments[-1] if segments else ""
    operation_id = operation.get("operationId", "")
    nested = len(segments) >= 3 and _PARAM.match(segments[-2] or "")
    parent = f" of {_a(_singular(segments[-3]))}" if nested else ""
    if _PARAM.match(last) and len(segments) == 2 and method in _VERBS:
        return f"{_VERBS[method]} {_a(_singular(statics[-1]))}"
    if not _PARAM.match(last) and (len(segments) == 1 or nested) and last in collections:
        if method == "get" and operation_id.endswith("_list"):
            return f"List {last.replace('-', ' ')}{parent}"
        if method == "post" and operation_id.endswith("_create"):
            return f"Create {_a(_singular(last))}" + (f" in {_a(_singular(segments[-3]))}" if nested else "")
    if operation.get("description"):
        return _first_clause(operation["description"])
    return operation_id.replace("_", " ").capitalize()


def add_summaries(result, generator, request, public):
    """drf-spectacular postprocessing hook: a summary on every operation that has none."""
    paths = result.get("paths", {})
    collections = {path.strip("/") for path in paths if path.count("/") == 2}
    for path, operations in paths.items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "operationId" in operation and not operation.get("summary"):
                operation["summary"] = summary_for(method, path, operation, collections)
    return result
