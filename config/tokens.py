"""API tokens: every user has one, from creation on."""

from rest_framework.authtoken.models import Token


def ensure_token_for_new_user(sender, instance, created: bool, **kwargs) -> None:
    if created:
        Token.objects.get_or_create(user=instance)


def token_regenerate(*, user) -> Token:
    """Replace the user's token with a fresh key (the old one stops working)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
