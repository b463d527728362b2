"""A webhook's payload is the export as the API shows it, built from the row without a request."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from exports.api.serializers import ExportSerializer
from exports.models import Export
from exports.representation import export_representation
from exports.webhooks import webhook_payload
from tests.factories import create_clip, create_project, ok, upload_file


def serialized(export: Export, host: str, secure: bool) -> dict:
    request = APIRequestFactory().get("/", HTTP_HOST=host, secure=secure)
    return dict(ExportSerializer(export, context={"request": request}).data)


@pytest.fixture
def export(api, video_path):
    project = create_project(api, width=160, height=90)
    create_clip(api, project, upload_file(api, project, video_path), end=1.0)
    made = ok(api.post("/exports/", {"project": project["url"], "video_bitrate": "crf 23",
                                     "json": {"preset": "ultrafast", "aws_secret_access_key": "s3cret",
                                              "aws_access_key_id": "KEY", "bucket": "client-bucket", "url": "out/x.mp4"}}, format="json"), 201)
    return Export.objects.get(pk=made["id"])


@pytest.mark.django_db
@pytest.mark.parametrize(("base_url", "host", "secure"), [
    ("http://testserver/", "testserver", False), ("https://montage.example:8443/api/", "montage.example:8443", True),
])
def test_the_payload_equals_the_serializers_answer(export, base_url, host, secure, settings):
    settings.ALLOWED_HOSTS = ["*"]
    Export.objects.filter(pk=export.pk).update(base_url=base_url)
    for status in ("pending", "failed", "completed"):
        Export.objects.filter(pk=export.pk).update(status=status, output="output/x.mp4", progress=100.0,
                                                   json={**export.json, "error": "why"})
        current = Export.objects.get(pk=export.pk)
        assert export_representation(current) == serialized(current, host, secure), status


@pytest.mark.django_db
def test_a_delivered_export_links_to_where_it_was_delivered(export):
    Export.objects.filter(pk=export.pk).update(status="completed", output="output/x.mp4",
                                               json={"delivered_url": "https://b.s3/x.mp4"})
    current = Export.objects.get(pk=export.pk)
    assert export_representation(current)["output"] == "https://b.s3/x.mp4"
    assert export_representation(current) == serialized(current, "testserver", False)


@pytest.mark.django_db
def test_the_payload_says_how_the_export_ended_and_never_shows_its_credentials(export):
    Export.objects.filter(pk=export.pk).update(status="failed", json={**export.json, "error": "The disk is full."},
                                               date_updated=timezone.now())
    payload = webhook_payload(Export.objects.get(pk=export.pk))
    assert payload["json"]["status"] == "failed" and payload["json"]["detail"] == "The disk is full."
    assert "s3cret" not in str(payload)


def test_the_webhook_module_fakes_no_request():
    import exports.webhooks as module

    source = open(module.__file__).read()
    assert "APIRequestFactory" not in source and "serializers" not in source
