"""Docs fully offline and readable, branded sign-in, a sign-in prompt for browsers (issue 13, findings 6 and 7)."""

import json
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

PAGES = ["/", "/redoc/", "/swagger-ui/", "/api-auth/login/", "/cloud-admin/login/"]
HTML_REFERENCE = re.compile(r"""\b(?:src|href|action|poster|content)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
CSS_REFERENCE = re.compile(r"""url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""", re.IGNORECASE)
#: what a browser would fetch from elsewhere if a bundle asked: web fonts and CDNs
LOADED_HOSTS = ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com")


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _external(reference: str) -> bool:
    parts = urlsplit(reference.strip())
    return bool(parts.netloc) and parts.netloc != "testserver"


def _references(text: str, content_type: str) -> list[str]:
    if "html" in content_type:
        found = HTML_REFERENCE.findall(text)
        return found + [url or imported for url, imported in CSS_REFERENCE.findall(text)]
    if "css" in content_type:
        return [url or imported for url, imported in CSS_REFERENCE.findall(text)]
    return []


def _urls_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


def crawl(client) -> dict[str, str]:
    """Every page above and every asset they load from this server (scripts, styles, icons), by URL."""
    seen, queue = {}, list(PAGES)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, (url, response.status_code)
        text = _body(response)
        seen[url] = text
        for reference in _references(text, response.get("Content-Type", "")):
            if reference.startswith("/static/") and not _external(reference):
                queue.append(urljoin(url, reference).split("#")[0])
    return seen


def test_no_served_page_or_asset_references_another_host(client):
    served = crawl(client)
    assert any(url.endswith("redoc.standalone.js") for url in served)
    assert any("swagger-ui-bundle" in url for url in served)
    for url, text in served.items():
        if url.startswith("/static/") and url.endswith(".js"):
            # A bundle's text is full of URLs that are only data (JSON Schema ids, licences): none may be a
            # web font or CDN it would load.
            assert not [host for host in LOADED_HOSTS if host in text], url
            continue
        external = [reference for reference in _references(text, "text/html" if not url.endswith(".css") else "css")
                    if _external(reference)]
        assert external == [], (url, external)
    # Redoc's bundle draws its logo from cdn.redoc.ly; the page's policy keeps the browser from asking.
    assert "default-src 'self'" in served["/redoc/"] and "img-src 'self' data:" in served["/redoc/"]
    # Swagger UI asks validator.swagger.io for a badge unless told not to.
    assert '"validatorUrl": null' in served["/swagger-ui/"]


def test_redoc_uses_no_web_fonts(client):
    page = _body(client.get("/redoc/"))
    assert "fonts.googleapis" not in page and "Montserrat" not in page
    assert "/static/montage/redoc-init.js" in page and "system-ui" in page


def test_schema_tags_have_descriptions_and_operations_human_summaries(client):
    schema = json.loads(_body(client.get("/schema/?format=json", HTTP_ACCEPT="application/vnd.oai.openapi+json")))
    described = {tag["name"]: tag["description"] for tag in schema["tags"]}
    used = {operation["tags"][0] for item in schema["paths"].values() for operation in item.values()}
    assert used <= set(described) and all(described.values())
    operations = {(method, path): operation for path, item in schema["paths"].items()
                  for method, operation in item.items()}
    for operation in operations.values():
        summary = operation["summary"]
        assert summary and summary[0].isupper() and not re.fullmatch(r"[\w ]+_[\w ]+", summary), operation["operationId"]
    assert operations[("get", "/assets/")]["summary"] == "List assets"
    assert operations[("get", "/catalogs/{id}/")]["summary"] == "Get a catalog"
    assert operations[("post", "/projects/{parent_pk}/files/")]["summary"] == "Create a file in a project"
    assert operations[("post", "/exports/{id}/retry/")]["summary"] == "Re-queue a failed export"


def test_the_sign_in_page_carries_montages_name_and_links_back(client):
    page = _body(client.get("/api-auth/login/"))
    assert "Django REST framework" not in page
    assert "<title>Sign in – Montage</title>" in page and ">Montage</h3>" in page
    assert 'href="/">Back to the API</a>' in page


def test_a_browser_not_signed_in_gets_the_page_with_a_sign_in_prompt(client):
    response = client.get("/projects/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 401
    page = _body(response)
    assert "Sign in to use this page" in page
    assert 'href="/api-auth/login/?next=/projects/"' in page


def test_api_clients_still_get_the_401_json(client):
    response = client.get("/projects/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401 and response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_signed_in_browser_gets_no_prompt(client):
    client.force_login(get_user_model().objects.create_user("ann", password="ann-password-1"))
    page = _body(client.get("/projects/", HTTP_ACCEPT="text/html"))
    assert "Sign in to use this page" not in page


def test_the_admin_header_has_no_stray_separator(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="root-password-1"))
    page = _body(client.get("/cloud-admin/"))
    nav = page[page.index('class="montage-nav"'):]
    nav = nav[:nav.index("</div>")]
    assert "·" not in nav and 'href="/">API</a>' in nav and 'href="/swagger-ui/">API docs</a>' in nav
