"""Security: apps and middleware for tokens, login limits and CSP; HTTPS, cookies and the cache.

Every setting a production deployment behind HTTPS needs comes from an
environment variable, off by default so the embedded server and the test
suite run over plain HTTP on localhost; docs/deployment.md lists the
values for production (`manage.py check --deploy` is clean with them).
"""

import os

from config.settings.base import DATABASES, INSTALLED_APPS, MIDDLEWARE, env

INSTALLED_APPS = [*INSTALLED_APPS, "knox", "csp"]

# The CSP header is set on every response; the login limiter turns a refused login into a 429.
MIDDLEWARE = [
    *MIDDLEWARE[:1],
    "config.csp.ContentSecurityPolicyMiddleware",
    *MIDDLEWARE[1:],
    "config.api.throttles.LoginThrottleMiddleware",
]

# The login limiter refuses before ModelBackend hashes a password.
AUTHENTICATION_BACKENDS = [
    "config.api.throttles.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- API tokens (django-rest-knox with Montage's model: digest, prefix, last_used) ---
KNOX_TOKEN_MODEL = "montage.ApiToken"
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=0)  # 0: tokens never expire
API_TOKEN_LIMIT_PER_USER = env.int("API_TOKEN_LIMIT_PER_USER", default=20)
REST_KNOX = {
    "SECURE_HASH_ALGORITHM": "hashlib.sha512",
    "AUTH_TOKEN_CHARACTER_LENGTH": 64,
    "TOKEN_TTL": None,  # set per token by config.tokens from API_TOKEN_TTL_DAYS
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,  # config.tokens revokes the least recently used instead of refusing
}

# --- Rate limits (config/api/throttles.py): "<count>/<s|min|hour|day>" ---
API_THROTTLE_RATES = {
    "user": env.str("API_THROTTLE_USER", default="2000/min") or None,
    "anon": env.str("API_THROTTLE_ANON", default="300/min") or None,
    "login_account": env.str("LOGIN_THROTTLE_ACCOUNT", default="10/min") or None,
    "login_address": env.str("LOGIN_THROTTLE_ADDRESS", default="30/min") or None,
    # notes posted by share-link guests, per client address (sharing/api/guest_views.py)
    "share_comment": env.str("SHARE_COMMENT_THROTTLE", default="20/min") or None,
}

# The throttles count in this cache: one shared by every process (Redis) in production.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- HTTPS, cookies, headers ---
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# e.g. "HTTP_X_FORWARDED_PROTO,https" behind a proxy that sets X-Forwarded-Proto (and strips a client's)
_proxy_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if len(_proxy_header) == 2 else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# A strict policy for every HTML page: scripts and style sheets only from this
# origin, no inline script. config/csp.py relaxes it for the API docs pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # the browsable API's and the admin's templates (Django's, DRF's) carry style="…" attributes
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}


def _private_sqlite_file(databases: dict) -> None:
    """Create the SQLite database file owner-only (0600) before SQLite creates it with the umask's mode.

    SQLite gives its -wal and -shm files the database file's mode.
    """
    default = databases["default"]
    name = str(default.get("NAME", ""))
    if default["ENGINE"] == "django.db.backends.sqlite3" and name and name != ":memory:" and "mode=memory" not in name:
        os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
        for path in (name, f"{name}-wal", f"{name}-shm"):
            if os.path.exists(path) and os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)


_private_sqlite_file(DATABASES)
