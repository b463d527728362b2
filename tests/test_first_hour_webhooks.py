"""A webhook is judged when it is given (issue 13, finding 4), by the guard its delivery uses.

No traffic leaves the machine: refusals are the guard's decision on the
resolved address (loopback, private), and an unresolvable name uses the
reserved `.invalid` domain (RFC 6761), which never resolves.
"""

import pytest

from tests.factories import create_project, ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(api):
    return create_project(api, width=160, height=90)


@pytest.mark.parametrize("webhook, why", [
    ("http://127.0.0.1:9911/done", "loopback"),
    ("http://localhost:9911/done", "loopback"),
    ("http://10.1.2.3/done", "private"),
    ("http://169.254.169.254/latest", "metadata"),
])
def test_a_webhook_to_a_refused_address_is_a_400_naming_montage_trusted_networks(api, project, settings, webhook, why):
    settings.MONTAGE_TRUSTED_NETWORKS = []
    response = api.post("/exports/", {"project": project["url"], "webhook": webhook}, format="json")
    assert response.status_code == 400, response.data
    message = str(response.data["webhook"])
    assert why in message and "MONTAGE_TRUSTED_NETWORKS" in message


def test_a_trusted_network_is_accepted(api, project, settings):
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    export = ok(api.post("/exports/", {"project": project["url"], "webhook": "http://127.0.0.1:9911/done"},
                         format="json"), 201)
    assert export["webhook"] == "http://127.0.0.1:9911/done" and "warning" not in export["json"]


def test_a_patch_is_checked_too(api, project, settings):
    settings.MONTAGE_TRUSTED_NETWORKS = []
    export = ok(api.post("/exports/", {"project": project["url"]}, format="json"), 201)
    response = api.patch(export["url"], {"webhook": "http://192.168.1.10/hook"}, format="json")
    assert response.status_code == 400 and "MONTAGE_TRUSTED_NETWORKS" in str(response.data["webhook"])


def test_a_host_that_does_not_resolve_is_accepted_with_a_warning(api, project):
    export = ok(api.post("/exports/", {"project": project["url"], "webhook": "https://hooks.montage.invalid/done"},
                         format="json"), 201)
    assert "could not find the host 'hooks.montage.invalid'" in export["json"]["warning"]
    assert "checked again when the render ends" in export["json"]["warning"]


def test_a_client_cannot_write_the_warning_and_a_new_webhook_clears_it(api, project, settings):
    export = ok(api.post("/exports/", {"project": project["url"], "webhook": "https://hooks.montage.invalid/done",
                                       "json": {"warning": "mine"}}, format="json"), 201)
    assert export["json"]["warning"] != "mine"
    settings.MONTAGE_TRUSTED_NETWORKS = ["127.0.0.1/32"]
    changed = ok(api.patch(export["url"], {"webhook": "http://127.0.0.1:9911/done"}, format="json"))
    assert "warning" not in changed["json"]


def test_a_webhook_that_is_not_http_is_refused_without_the_networks_hint(api, project):
    response = api.post("/exports/", {"project": project["url"], "webhook": "ftp://example.com/x"}, format="json")
    assert response.status_code == 400 and "MONTAGE_TRUSTED_NETWORKS" not in str(response.data)
