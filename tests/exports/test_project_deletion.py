"""Deleting a project deletes, after commit, everything stored for it: its files' media and its renders."""

from __future__ import annotations

from django.core.files.storage import default_storage

from exports.models import Export
from tests.exports.conftest import wait_for_export
from tests.factories import create_clip, create_project, ok, upload_file


def test_deleting_a_project_with_a_completed_export_removes_the_output_from_storage(api, worker, video_path):
    project = create_project(api, width=160, height=90)
    file = upload_file(api, project, video_path)
    create_clip(api, project, file, end=1.0)
    export = ok(api.post("/exports/", {"project": project["url"], "json": {"preset": "ultrafast"}}, format="json"), 201)
    done = wait_for_export(api, export)
    assert done["status"] == "completed", done["json"]
    output = Export.objects.get(pk=export["id"]).output.name
    assert default_storage.exists(output)

    assert api.delete(f"/projects/{project['id']}/").status_code == 204
    assert not default_storage.exists(output)
    assert not Export.objects.filter(pk=export["id"]).exists()
    assert api.get(export["url"]).status_code == 404


def test_deleting_a_project_leaves_other_projects_outputs_alone(api, worker, video_path):
    kept, doomed = (create_project(api, width=160, height=90) for _ in range(2))
    exports = {}
    for project in (kept, doomed):
        create_clip(api, project, upload_file(api, project, video_path), end=1.0)
        export = ok(api.post("/exports/", {"project": project["url"], "json": {"preset": "ultrafast"}},
                             format="json"), 201)
        assert wait_for_export(api, export)["status"] == "completed"
        exports[project["id"]] = Export.objects.get(pk=export["id"]).output.name
    assert api.delete(f"/projects/{doomed['id']}/").status_code == 204
    assert default_storage.exists(exports[kept["id"]]) and not default_storage.exists(exports[doomed["id"]])
