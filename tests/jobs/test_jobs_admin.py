"""Jobs are visible, read-only, in the admin."""

import pytest
from django.contrib.auth import get_user_model

from config.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_job_list_and_a_job_page_load_read_only(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="root-password-1"))
    job = Job.objects.create(kind="project-frame", target="projects.project:1", error="why")
    assert client.get("/cloud-admin/jobs/job/").status_code == 200
    page = client.get(f"/cloud-admin/jobs/job/{job.pk}/change/")
    assert page.status_code == 200 and b"why" in page.content
    assert client.get("/cloud-admin/jobs/job/add/").status_code == 403
