"""Where media lives (STORAGES) and the limits on what comes in."""

from config.settings.base import DATA_DIR, env

MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media/"

_LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
_BACKENDS = {"local": _LOCAL}

STORAGES = {
    "default": _BACKENDS.get(MEDIA_STORAGE, _LOCAL),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads larger than this go to a temporary file instead of memory, so a
# multi-gigabyte upload streams through the disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
MEDIA_MAX_IMAGE_PIXELS = env.int("MEDIA_MAX_IMAGE_PIXELS", default=100_000_000)
THUMBNAIL_CACHE_DIR = DATA_DIR / "cache" / "thumbnails"

# Static files are served by WhiteNoise straight from the installed apps, so
# the embedded server needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

# The largest request body the embedded server accepts (uploads).
MONTAGE_MAX_UPLOAD_BYTES = env.int("MONTAGE_MAX_UPLOAD_BYTES", default=50 * 1024**3)
