"""Models of the shared layer: the abstract base every owned object shares, and API tokens."""

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken


class OwnedModel(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    date_created = models.DateTimeField(auto_now_add=True)
    date_updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["id"]


class ApiToken(AbstractAuthToken):
    """An API key, kept only as its SHA-512 digest (django-rest-knox): the key itself is shown once.

    `token_key` is the key's first 15 characters, enough to find the row and
    to name the token in lists; `last_used` orders the revocation of the
    least recently used when a user passes the cap.
    """

    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.user})"
