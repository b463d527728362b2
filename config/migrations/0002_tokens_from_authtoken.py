"""Existing plaintext tokens (rest_framework.authtoken) become hashed ApiTokens, then are erased.

A client keeps using its key: the new row holds the key's SHA-512 digest
(what django-rest-knox compares) and its first 15 characters as prefix.
"""

import hashlib

from django.db import migrations


def hash_plaintext_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("montage", "ApiToken")
    for token in Token.objects.all().iterator():
        digest = hashlib.sha512(token.key.encode()).hexdigest()
        ApiToken.objects.get_or_create(digest=digest, defaults={"token_key": token.key[:15], "user_id": token.user_id})
        ApiToken.objects.filter(digest=digest).update(created=token.created)  # auto_now_add ignores a given value
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("montage", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_plaintext_tokens, migrations.RunPython.noop)]
