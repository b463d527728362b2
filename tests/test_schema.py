"""The OpenAPI document describes every endpoint, and the docs UIs work offline."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_or_errors(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text()
    for path in ("/projects/", "/files/{id}/thumbnail/", "/clips/", "/effects/", "/tokens/",
                 "/projects/{parent_pk}/files/"):
        assert f"  {path}:" in text, path


@pytest.mark.parametrize("path", ["/schema/", "/swagger-ui/", "/redoc/"])
def test_docs_are_served(anonymous, api, path):
    response = api.get(path)
    assert response.status_code == 200


def test_swagger_ui_uses_local_assets(api):
    body = api.get("/swagger-ui/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in body
    assert "cdn" not in body.lower()
