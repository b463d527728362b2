"""Where media lives (STORAGES) and the limits on what comes in.

`MEDIA_STORAGE` picks the backend of uploaded media and renders: the local
disk, S3 (or any S3-compatible server, through AWS_S3_ENDPOINT_URL) or Azure
Blob Storage (AZURE_CONNECTION_STRING may point at an emulator). The
backends read their options from the django-storages settings below when
they are instantiated, so STORAGES only names the class.
"""

from boto3.s3.transfer import TransferConfig
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import DATA_DIR, env

MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local").strip().lower()
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media/"

MEDIA_STORAGE_BACKENDS = {
    "local": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
    "azure": "media_assets.storage.AzureMediaStorage",
}
if MEDIA_STORAGE not in MEDIA_STORAGE_BACKENDS:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local, s3 or azure, not {MEDIA_STORAGE!r}.")

STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKENDS[MEDIA_STORAGE]},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

_MiB = 1024 * 1024

# --- S3: media storage, imports (json.bucket) and render delivery ---------------
# Unset keys leave boto3 to its usual chain (environment, instance role).
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="") or None
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None  # objects inherit the bucket's policy
# Two uploads of "clip.mp4" to one project must not overwrite each other.
AWS_S3_FILE_OVERWRITE = False
# django-storages' default (0) would read a whole object into memory when opened.
AWS_S3_MAX_MEMORY_SIZE = 2 * _MiB


def _s3_transfer_config() -> TransferConfig:
    """Multipart above 8 MiB, at most 4 parts in flight and 4 read ahead: memory stays flat whatever the size.

    Uploading from an open file (as django-storages does) reads each part into
    memory; s3transfer would otherwise read ahead up to 10 of them.
    """
    config = TransferConfig(multipart_threshold=8 * _MiB, multipart_chunksize=8 * _MiB, max_concurrency=4,
                            max_io_queue=16)
    config.max_in_memory_upload_chunks = 4
    return config


AWS_S3_TRANSFER_CONFIG = _s3_transfer_config()

# --- Azure Blob Storage ---------------------------------------------------------
AZURE_CONNECTION_STRING = env.str("AZURE_CONNECTION_STRING", default="") or None
AZURE_CONTAINER = env.str("AZURE_CONTAINER", default="") or None
AZURE_OVERWRITE_FILES = False
AZURE_UPLOAD_MAX_CONN = 2
AZURE_CONNECTION_TIMEOUT_SECS = env.int("AZURE_CONNECTION_TIMEOUT_SECS", default=60)
# Blocks of 4 MiB, and no single-request upload above 8 MiB (the SDK default of
# 64 MiB would hold that much in memory).
AZURE_CLIENT_OPTIONS = {"max_single_put_size": 8 * _MiB, "max_block_size": 4 * _MiB, "max_single_get_size": 4 * _MiB,
                        "max_chunk_get_size": 4 * _MiB}
# Where per-request Azure credentials (json.account_name + account_key or
# sas_token) are used; {account} is the validated account name.
AZURE_ACCOUNT_URL = env.str("AZURE_ACCOUNT_URL", default="https://{account}.blob.core.windows.net")

if MEDIA_STORAGE == "s3" and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
if MEDIA_STORAGE == "azure" and not (AZURE_CONNECTION_STRING and AZURE_CONTAINER):
    raise ImproperlyConfigured("MEDIA_STORAGE=azure needs AZURE_CONNECTION_STRING and AZURE_CONTAINER.")

# --- Downloads, the worker's media cache, imports -------------------------------
# With S3 or Azure, a download (after the owner check) answers 302 with a
# signed URL valid this long; false streams the bytes through the server.
MEDIA_DOWNLOAD_REDIRECT = env.bool("MEDIA_DOWNLOAD_REDIRECT", default=True)
MEDIA_SIGNED_URL_SECONDS = env.int("MEDIA_SIGNED_URL_SECONDS", default=300)
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = MEDIA_SIGNED_URL_SECONDS
AZURE_URL_EXPIRATION_SECS = MEDIA_SIGNED_URL_SECONDS

# Media that ffmpeg and the probe read, fetched from S3/Azure onto this
# machine's disk; least recently used entries go first past the bound.
MEDIA_CACHE_DIR = env.path("MEDIA_CACHE_DIR", default=str(DATA_DIR / "cache" / "media"))
MEDIA_CACHE_MAX_BYTES = env.int("MEDIA_CACHE_MAX_BYTES", default=20 * 1024**3)

# Imports on /files/ (json.url, json.bucket, json.container, server paths).
MEDIA_IMPORT_MAX_BYTES = env.int("MEDIA_IMPORT_MAX_BYTES", default=10 * 1024**3)
MEDIA_IMPORT_TIMEOUT = env.float("MEDIA_IMPORT_TIMEOUT", default=1800.0)
# Server paths may be imported only from inside this folder; unset = never.
MEDIA_IMPORT_ROOT = env.str("MEDIA_IMPORT_ROOT", default="") or None
# Buckets / containers clients may name (imports and deliveries) while the
# server's own credentials are used; "*" for any. The media bucket or
# container itself never is: it holds every user's files.
MONTAGE_S3_BUCKETS = env.list("MONTAGE_S3_BUCKETS", default=[])
MONTAGE_AZURE_CONTAINERS = env.list("MONTAGE_AZURE_CONTAINERS", default=[])

# Uploads larger than this go to a temporary file instead of memory, so a
# multi-gigabyte upload streams through the disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
# A thumbnail of a 100-megapixel image peaks at 630 MB of address space in its
# bounded child (measured, docs/performance.md "Bounded media work"): within
# MEDIA_WORK_MEMORY_LIMIT with a third to spare, so the two limits go together.
MEDIA_MAX_IMAGE_PIXELS = env.int("MEDIA_MAX_IMAGE_PIXELS", default=100_000_000)
# Drawing SVGs and decoding images for thumbnails runs in child processes
# (media_assets.bounded_work): wall time, address space, how many at once per
# server process, and how long a request waits for a free slot (then a 503).
MEDIA_WORK_TIME_LIMIT = env.float("MEDIA_WORK_TIME_LIMIT", default=20.0)
MEDIA_WORK_MEMORY_LIMIT = env.int("MEDIA_WORK_MEMORY_LIMIT", default=1024 * 1024 * 1024)
MEDIA_WORK_CONCURRENCY = env.int("MEDIA_WORK_CONCURRENCY", default=2)
MEDIA_WORK_QUEUE_WAIT = env.float("MEDIA_WORK_QUEUE_WAIT", default=30.0)
# Fonts a user may add to /info/fonts/ (global ones are added by staff in the admin).
MONTAGE_FONTS_PER_USER = env.int("MONTAGE_FONTS_PER_USER", default=50)
MONTAGE_FONT_MAX_BYTES = env.int("MONTAGE_FONT_MAX_BYTES", default=20 * 1024 * 1024)
THUMBNAIL_CACHE_DIR = DATA_DIR / "cache" / "thumbnails"

# Static files are served by WhiteNoise straight from the installed apps, so
# the embedded server needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

# Limits on an untrusted ZIP given to /projects/<id>/load/ (counted while extracting).
MONTAGE_ARCHIVE_MAX_ENTRIES = env.int("MONTAGE_ARCHIVE_MAX_ENTRIES", default=5000)
MONTAGE_ARCHIVE_MAX_BYTES = env.int("MONTAGE_ARCHIVE_MAX_BYTES", default=20 * 1024**3)
MONTAGE_ARCHIVE_MAX_RATIO = env.float("MONTAGE_ARCHIVE_MAX_RATIO", default=200.0)
MONTAGE_ARCHIVE_RATIO_FLOOR = 4 * 1024 * 1024  # the ratio is checked once an entry has expanded this far

# The largest request body the embedded server accepts (uploads).
MONTAGE_MAX_UPLOAD_BYTES = env.int("MONTAGE_MAX_UPLOAD_BYTES", default=50 * 1024**3)

# A review comment's attachment (a reference still, a PDF of notes): refused above this size.
REVIEW_ATTACHMENT_MAX_BYTES = env.int("REVIEW_ATTACHMENT_MAX_BYTES", default=100 * 1024**2)

# Upload handlers that hash each uploaded file's bytes as they arrive (media_assets.hashing):
# the File's sha256 without reading the bytes a second time.
FILE_UPLOAD_HANDLERS = [
    "media_assets.hashing.HashingMemoryFileUploadHandler",
    "media_assets.hashing.HashingTemporaryFileUploadHandler",
]

# Resumable (tus) uploads: where their bytes wait until the upload is complete, and how long an
# unfinished one is kept (the job sweeper deletes expired ones).
MONTAGE_UPLOAD_DIR = env.str("MONTAGE_UPLOAD_DIR", default=str(DATA_DIR / "uploads"))
MONTAGE_UPLOAD_EXPIRES_SECONDS = env.int("MONTAGE_UPLOAD_EXPIRES_SECONDS", default=24 * 3600)
