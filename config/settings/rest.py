"""Django REST framework and drf-spectacular: auth, pagination, filters, schema."""

from config.schema_docs import TAGS as SCHEMA_TAGS
from config.settings.base import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.TokenAuthentication",
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=20),
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    # per-user and per-address request rates: API_THROTTLE_USER / API_THROTTLE_ANON (config/settings/security.py)
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttles.UserRateThrottle", "config.api.throttles.AnonRateThrottle"],
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=None),
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)

SPECTACULAR_SETTINGS = {
    "TITLE": "Montage API",
    "DESCRIPTION": (
        "Media asset management and render server. The projects, files, clips, "
        "effects and exports endpoints follow the OpenShot Cloud API contract."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Headings for Redoc and Swagger UI (config.schema_docs); Redoc without web fonts, Swagger UI without
    # the validator badge it would load from validator.swagger.io: the docs need nothing but this server.
    "TAGS": SCHEMA_TAGS,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema_docs.add_summaries"],
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_UI_SETTINGS": {"theme": {"typography": {
        "fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        "headings": {"fontFamily": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"},
        "code": {"fontFamily": "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"},
    }}},
    "ENUM_NAME_OVERRIDES": {
        "MergeAttributeEnum": "projects.merging.ATTRIBUTES",  # source_attribute and target_attribute
    },
}
