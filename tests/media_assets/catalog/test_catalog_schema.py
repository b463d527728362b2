"""The OpenAPI document describes the catalog's endpoints and its timecode shapes."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_catalog_is_in_the_schema(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    for path in ("/catalogs/", "/catalogs/{parent_pk}/assets/", "/assets/", "/assets/{id}/", "/assets/search/",
                 "/assets/bulk/", "/assets/{id}/history/", "/assets/{id}/add-to-project/", "/assets/{parent_pk}/markers/",
                 "/assets/{parent_pk}/markers/{id}/", "/fields/", "/smart-folders/", "/smart-folders/{folder_pk}/assets/"):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    assert set(components["Asset"]["properties"]["in"]["required"]) == {"fmt", "frm", "secs", "txt"}
    assert len(components["AssetRequest"]["properties"]["in"]["oneOf"]) == 3
    list_parameters = {p["name"] for p in schema["paths"]["/assets/"]["get"]["parameters"]}
    assert {"query", "ordering", "include", "facets", "skip", "take", "page", "page_size"} <= list_parameters
