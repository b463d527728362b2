"""`manage.py createtoken USER`: make a new API token for a user and print its key."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config.tokens import token_create


class Command(BaseCommand):
    help = (
        "Make a new API token for USER and print its key (only this once: the database keeps a digest). "
        "The user's other tokens keep working; past API_TOKEN_LIMIT_PER_USER the least recently used "
        "are revoked. Use it as: Authorization: Token <key>"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user who will own the token")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        _, key = token_create(user=user)
        self.stdout.write(key)
