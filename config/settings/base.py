"""Core Django settings: environment, data directory, apps, database, auth.

Every environment (a laptop, CI, production) runs this same code; they
differ only by environment variables, read with django-environ (a `.env`
file beside manage.py is honoured).
"""

import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _data_dir() -> Path:
    path = Path(env.str("MONTAGE_DATA_DIR", default="var"))
    path = path if path.is_absolute() else BASE_DIR / path
    path.mkdir(parents=True, exist_ok=True)
    return path


DATA_DIR = _data_dir()

# Embedded mode is the two-command set-up of the README (and the test
# suite): it may invent what a production deployment must be given.
EMBEDDED = env.bool("MONTAGE_EMBEDDED", default=False)
DEBUG = env.bool("DEBUG", default=False)


# No SECRET_KEY outside embedded mode: the message names both ways out (manage.py shows only it).
MISSING_SECRET_KEY = (
    "SECRET_KEY is not set: give one (SECRET_KEY=... in the environment or in .env beside manage.py), "
    "or use the embedded defaults, which generate one (MONTAGE_EMBEDDED=1, as ./scripts/serve does)."
)


def _secret_key() -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not EMBEDDED:
        if env.bool("MONTAGE_SECRET_KEY_OPTIONAL", default=False):
            # Set by manage.py for help texts only: nothing is signed, nothing is kept.
            return secrets.token_urlsafe(50)
        raise ImproperlyConfigured(MISSING_SECRET_KEY)
    # Keep the generated key so sessions and signed URLs survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written aside and renamed, so a process starting at the same moment never reads half a key.
        # Created owner-only (0600), never readable by others even for a moment.
        partial = DATA_DIR / f"secret_key.{os.getpid()}"
        with os.fdopen(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        partial.replace(key_file)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its `runserver` (which also starts the embedded worker) wins over staticfiles' own.
    "config.workers",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_dramatiq",
    "simple_history",
    "config.apps.MontageConfig",
    "config.jobs",
    "projects",
    "media_assets",
    "exports",
    "review",
    "sharing",
    "notifications",
]

MIDDLEWARE = [
    "config.request_log.RequestLogMiddleware",  # only under `manage.py serve` (MONTAGE_REQUEST_LOG)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change (DRF sets request.user when it authenticates a token).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _databases() -> dict:
    default = env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'montage.sqlite3'}")
    if default["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded server writes from the web threads and the render
        # worker at once: WAL plus immediate transactions avoid
        # "database is locked" under that load.
        default.setdefault("OPTIONS", {}).update(
            {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 30}
        )
        # The test database is a file too: render workers (threads and
        # processes) must share it, which an in-memory database cannot do well.
        default.setdefault("TEST", {})["NAME"] = str(DATA_DIR / "test-database.sqlite3")
    else:
        default.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
        default.setdefault("CONN_HEALTH_CHECKS", True)
    return {"default": default}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the apps, but expects the folder
LOGIN_URL = "rest_framework:login"
LOGIN_REDIRECT_URL = "/"
