"""Issue 12, finding 10: a strict CSP on every HTML page, HTTPS settings from the environment, check --deploy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config.csp import inline_script_hashes

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DEBUG": "0", "SECRET_KEY": "x3Vb-" + "k9Qz7TmW2pLr8sYd4NfHc6Ja1Ue5Ro0Ig" * 2, "ALLOWED_HOSTS": "montage.example.com",
    "SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1", "SESSION_COOKIE_SECURE": "1", "CSRF_COOKIE_SECURE": "1",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/projects/", "/api-auth/login/", "/cloud-admin/login/"])
def test_html_pages_have_a_strict_policy(api, path):
    response = api.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not re.search(rb"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", response.content), \
        "an inline script the policy would block"


@pytest.mark.parametrize("path", ["/swagger-ui/", "/redoc/"])
def test_api_docs_pages_allow_exactly_their_own_inline_scripts(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    for digest in inline_script_hashes(response.content):
        assert digest in policy["script-src"]
    assert "blob:" in policy["worker-src"]
    # the bundles they load are served here (drf-spectacular-sidecar), not from a CDN
    for source in re.findall(rb'<script[^>]*\ssrc="([^"]+)"', response.content):
        assert source.startswith(b"/"), source


def test_our_templates_carry_no_inline_script_or_style():
    for template in (REPO / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", text), template


def _run(*args, env_extra: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("MONTAGE_EMBEDDED",)}
    env.update({"PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": "config.settings", **env_extra})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


def test_check_deploy_is_clean_with_a_production_environment(tmp_path):
    result = _run("check", "--deploy", "--fail-level", "WARNING",
                  env_extra={**PRODUCTION, "MONTAGE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_settings_come_from_the_environment(settings):
    # the suite runs with none set: plain HTTP on localhost, as the embedded server
    assert settings.SECURE_SSL_REDIRECT is False and settings.SECURE_PROXY_SSL_HEADER is None
    from config.settings import security

    assert security.X_FRAME_OPTIONS == "DENY"
