"""The Content-Security-Policy of every response, with the API docs pages' own allowance.

The policy itself is `CONTENT_SECURITY_POLICY` (config/settings/security.py):
no inline script anywhere. Swagger UI and Redoc (drf-spectacular's pages,
bundles served from drf-spectacular-sidecar) start with a small inline
script and insert style elements at run time, and Redoc parses in a blob:
worker. Those two pages, which show no user content, get hashes of exactly
the inline scripts they were served with, inline styles and blob: workers;
no other page does.
"""

from __future__ import annotations

import base64
import hashlib
import re

from csp.middleware import CSPMiddleware, PolicyParts

#: URL names of the pages drf-spectacular renders (config/urls.py)
DOCS_PAGES = frozenset({"swagger-ui", "redoc"})
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def inline_script_hashes(html: bytes) -> list[str]:
    return [
        "'sha256-%s'" % base64.b64encode(hashlib.sha256(body).digest()).decode()
        for body in _INLINE_SCRIPT.findall(html)
    ]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        is_html = response.get("Content-Type", "").startswith("text/html") and not response.streaming
        if match is not None and match.url_name in DOCS_PAGES and is_html:
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), *inline_script_hashes(response.content)]
            update["style-src"] = [*update.get("style-src", []), "'unsafe-inline'"]
            update["worker-src"] = [*update.get("worker-src", []), "'self'", "blob:"]
            parts.update = update
        return parts
