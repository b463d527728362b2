"""Project thumbnails travel through the media storage and a job row, never the web server's disk.

The worker stores the frame under `thumbnails/projects/<project id>/`,
keyed by the project's state and the parameters; the request answers from
storage when it is there, else waits for the job row. Each project keeps
a bounded number of frames, and they go with the project.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from config.jobs.models import Job
from exports import previews
from projects.models import Clip, Project
from tests.factories import create_clip, create_project, ok, upload_file

PARAMS = {"frame_number": 1, "width": 160, "height": 90, "image_format": "PNG"}


@pytest.fixture
def project(api, video_path):
    project = create_project(api, width=160, height=90)
    create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    return project


def thumbnail(api, project, **params):
    return api.get(f"/projects/{project['id']}/thumbnail/", {**PARAMS, **params})


def frame(api, project, **params) -> bytes:
    response = thumbnail(api, project, **params)
    assert response.status_code == 200, getattr(response, "data", response)
    return b"".join(response.streaming_content)


def stored_frames(project) -> list[str]:
    folder = previews.thumbnail_folder(project["id"])
    try:
        return sorted(folder + name for name in default_storage.listdir(folder)[1])
    except FileNotFoundError:
        return []


def test_a_frame_is_stored_by_the_worker_and_then_answered_from_storage(api, worker, project, settings):
    first = thumbnail(api, project)
    assert first.status_code == 200, getattr(first, "data", first)
    [name] = stored_frames(project)
    job = Job.objects.get(kind="project-frame")
    assert (job.status, job.result["storage_name"], job.target) == ("completed", name, f"projects.project:{project['id']}")
    assert not (settings.THUMBNAIL_CACHE_DIR / "projects").exists(), "nothing on the web server's own disk"

    again = thumbnail(api, project)
    assert again.status_code == 200 and b"".join(again.streaming_content) == b"".join(first.streaming_content)
    assert Job.objects.count() == 1, "answered from storage: no second job"


def test_a_changed_project_gets_a_new_frame(api, worker, project):
    frame(api, project)
    ok(api.patch(f"/projects/{project['id']}/", {"name": "Renamed"}, format="json"))
    frame(api, project)
    assert len(stored_frames(project)) == 2 and Job.objects.count() == 2


def test_with_no_worker_the_request_times_out_and_a_second_request_reuses_the_pending_job(
        api, quiet_broker, project, settings):
    settings.PREVIEW_WAIT_SECONDS = 0.3
    for _ in range(2):
        response = thumbnail(api, project)
        assert response.status_code == 503 and response["Retry-After"] == "5", response.data
    assert Job.objects.filter(kind="project-frame", status="pending").count() == 1


def test_a_failed_frame_is_a_400_with_the_reason_from_the_job_row(api, worker, project):
    Clip.objects.filter(project_id=project["id"]).update(position=1e308)
    response = thumbnail(api, project)
    assert response.status_code == 400 and "position of clip" in str(response.data)
    job = Job.objects.get(kind="project-frame")
    assert job.status == "failed" and "position of clip" in job.error


def test_a_project_keeps_only_its_newest_frames(api, worker, project, monkeypatch):
    monkeypatch.setattr(previews, "THUMBNAILS_KEPT", 2)
    for number in (1, 2, 3):
        frame(api, project, frame_number=number)
    assert len(stored_frames(project)) == 2
    assert Job.objects.filter(kind="project-frame").count() == 2


def test_deleting_the_project_deletes_its_stored_frames_and_jobs(api, worker, project):
    frame(api, project)
    assert stored_frames(project)
    assert api.delete(f"/projects/{project['id']}/").status_code == 204
    assert stored_frames(project) == [] and not Job.objects.exists()


@pytest.mark.django_db
def test_the_web_side_answers_a_stored_frame_without_any_worker(api, project):
    key = previews._state_key(Project.objects.get(pk=project["id"]),
                              {**PARAMS, "image_format": "png", "image_quality": 100})
    buffer = io.BytesIO()
    Image.new("RGB", (160, 90), "red").save(buffer, "PNG")
    default_storage.save(f"{previews.thumbnail_folder(project['id'])}{key}.png", ContentFile(buffer.getvalue()))
    response = thumbnail(api, project)
    assert response.status_code == 200 and response["Content-Type"] == "image/png", getattr(response, "data", response)
    assert not Job.objects.exists()
