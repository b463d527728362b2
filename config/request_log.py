"""One log line per HTTP request (method, path, status, milliseconds, user), for the embedded server.

`manage.py serve` turns it on (MONTAGE_REQUEST_LOG); elsewhere, a reverse
proxy or the WSGI server keeps the access log, and the middleware steps
out of the chain at start-up. It sits first in MIDDLEWARE so the time is
the whole of Django's work; the user is read after the view ran, when
token and basic authentication (done by DRF inside the view) have set it.
The query string is left out: signed URLs and filters may carry secrets.
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

log = logging.getLogger("montage.http")


class RequestLogMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "MONTAGE_REQUEST_LOG", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else "-"
        log.info("%s %s %s %.0f ms %s", request.method, request.path, response.status_code,
                 (time.monotonic() - started) * 1000, name)
        return response
