"""Review: share links, the guest side, notifications and their mail.

EMAIL_URL is read by django-environ (smtp://user:password@host:587,
consolemail://, ...); in embedded mode, and when unset, mail is written
to the console (the embedded server's default).
"""

from config.settings.base import env

# A share link lasts SHARE_LINK_DEFAULT_DAYS unless its maker says otherwise, never more than SHARE_LINK_MAX_DAYS.
SHARE_LINK_DEFAULT_DAYS = env.int("SHARE_LINK_DEFAULT_DAYS", default=30)
SHARE_LINK_MAX_DAYS = env.int("SHARE_LINK_MAX_DAYS", default=365)
# How long a guest's signed preview or download URL works.
SHARE_MEDIA_URL_SECONDS = env.int("SHARE_MEDIA_URL_SECONDS", default=3600)
# Wrong passwords a link takes in SHARE_UNLOCK_WINDOW_SECONDS before it answers 429.
SHARE_UNLOCK_ATTEMPTS = env.int("SHARE_UNLOCK_ATTEMPTS", default=10)
SHARE_UNLOCK_WINDOW_SECONDS = env.int("SHARE_UNLOCK_WINDOW_SECONDS", default=600)

# Notifications: attempts per event, the first retry's delay, doubled each time up to the max.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_BACKOFF_SECONDS = env.float("NOTIFICATION_BACKOFF_SECONDS", default=10.0)
NOTIFICATION_BACKOFF_MAX_SECONDS = env.float("NOTIFICATION_BACKOFF_MAX_SECONDS", default=3600.0)
NOTIFICATION_TIMEOUT = env.float("NOTIFICATION_TIMEOUT", default=10.0)

if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:  # embedded mode, or nothing configured: mail is printed, never lost silently
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="montage@localhost")
