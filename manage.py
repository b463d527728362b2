#!/usr/bin/env python
"""Django's command-line utility for Montage."""

import os
import sys

HELP_FLAGS = {"help", "--help", "-h"}


def _help_only(argv: list[str]) -> bool:
    """`manage.py`, `manage.py help [command]`, `manage.py <command> --help`: texts that need no secret key."""
    return len(argv) < 2 or argv[1] in HELP_FLAGS or bool(HELP_FLAGS & set(argv[2:]))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if _help_only(sys.argv):
        os.environ.setdefault("MONTAGE_SECRET_KEY_OPTIONAL", "1")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Load the settings here, so a configuration error (a missing SECRET_KEY, a bad DATABASE_URL)
        # is its one-line message, not a traceback.
        settings.INSTALLED_APPS
    except ImproperlyConfigured as error:
        sys.exit(f"manage.py: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
