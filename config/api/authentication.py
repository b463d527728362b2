"""`Authorization: Token <key>`: the key is checked against its stored digest (django-rest-knox).

Kept apart from the views in config/api/auth.py: DRF imports its
authentication classes while it loads its views.
"""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from config.tokens import token_touch


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <key>`, checked against the stored digest; records `last_used`."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        # knox also sweeps the user's other tokens on every request (a query each time); only this one matters here.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        token_touch(token)
        return user, token
