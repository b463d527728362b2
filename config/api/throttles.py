"""Rate limits: API requests per user, and failed logins per account and per client address.

Both are DRF's cache-backed `SimpleRateThrottle` (a list of timestamps per
key in Django's cache), with rates read from settings at each request so
tests and deployments can change them (`API_THROTTLE_*`, `LOGIN_THROTTLE_*`).

Failed logins are counted wherever a password is checked (`POST /tokens/`,
Basic auth, the session login at /api-auth/login/ and the admin's), because
each of those goes through Django's `authenticate()`: a failure is recorded
from its `user_login_failed` signal, and `LoginThrottleBackend`, the first
authentication backend, refuses the attempt with a 429 before any backend
computes a password hash. Only failures count, so a script that asks for a
token on every run is never locked out by its own successes.

The cache must be shared by every web process for the limits to hold
across them: in production set `CACHE_URL` to Redis (see
docs/deployment.md); the default local-memory cache counts per process.
"""

from __future__ import annotations

import hashlib
import logging
import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from rest_framework import throttling
from rest_framework.exceptions import Throttled

logger = logging.getLogger(__name__)


class _SettingsRate:
    """Reads the rate of `scope` from settings.API_THROTTLE_RATES when the throttle is made (per request)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)


class UserRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Requests per authenticated user (`API_THROTTLE_USER`)."""


class AnonRateThrottle(_SettingsRate, throttling.AnonRateThrottle):
    """Requests per client address without credentials (`API_THROTTLE_ANON`)."""


class LoginFailures(_SettingsRate, throttling.SimpleRateThrottle):
    """Failed logins of one account (`scope = "login_account"`) or from one address (`"login_address"`)."""

    def __init__(self, scope: str, ident: str):
        self.scope = scope
        super().__init__()
        self.key = self.cache_format % {"scope": scope, "ident": hashlib.sha256(ident.encode()).hexdigest()}

    def _history(self) -> list[float]:
        self.now = self.timer()
        return [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]

    def retry_after(self) -> int | None:
        """Seconds until another attempt is allowed; None while attempts remain."""
        if self.rate is None:
            return None
        history = self._history()
        if len(history) < self.num_requests:
            return None
        oldest_counted = history[self.num_requests - 1]
        return max(1, math.ceil(self.duration - (self.now - oldest_counted)))

    def record(self) -> None:
        if self.rate is not None:
            history = self._history()
            self.cache.set(self.key, [self.now, *history][: self.num_requests + 1], self.duration)


def _counters(request, username) -> list[LoginFailures]:
    counters = []
    if username:
        counters.append(LoginFailures("login_account", str(username).casefold()))
    if request is not None:
        counters.append(LoginFailures("login_address", _address(request)))
    return counters


def _address(request) -> str:
    """The client address (as DRF's throttles see it, honouring API_NUM_PROXIES); "-" when unknown."""
    return (throttling.BaseThrottle().get_ident(request) or "-") if request is not None else "-"


class LoginThrottleBackend:
    """An authentication backend that only refuses: too many recent failures for the account or address."""

    def authenticate(self, request, username=None, **credentials):
        for counter in _counters(request, username):
            wait = counter.retry_after()
            if wait is not None:
                logger.warning("login refused account=%r address=%s retry_after=%ds reason=too many failed logins per %s",
                               str(username)[:150], _address(request), wait, counter.scope.removeprefix("login_"))
                raise Throttled(wait=wait, detail=f"Too many failed logins; try again in {wait} seconds.")
        return None  # no get_user(): Django never picks this backend for a session (force_login, login)


def login_failure_record(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: counts the failure for the account and the address."""
    username = credentials.get("username")
    for counter in _counters(request, username):
        counter.record()
    logger.info("login failed account=%r address=%s", str(username)[:150], _address(request))


class LoginThrottleMiddleware:
    """A refused login in a plain Django view (the admin's, /api-auth/login/) is a 429 with Retry-After.

    DRF views answer the same `Throttled` themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Throttled):
            return None
        if "text/html" in request.headers.get("Accept", ""):
            response = HttpResponse(f"<!doctype html><title>Too many attempts</title><p>{exception.detail}</p>",
                                    status=429)
        else:
            response = JsonResponse({"detail": str(exception.detail)}, status=429)
        response["Retry-After"] = str(exception.wait)
        return response
