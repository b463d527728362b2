"""Drop knox's own token table: Montage swaps it for montage.ApiToken (KNOX_TOKEN_MODEL).

knox's first migration creates `knox_authtoken` even when its model is
swapped out. Nothing uses that table, but on PostgreSQL its foreign key to
`auth_user` makes every flush of the users table (Django's TRUNCATE, as
test isolation does) fail, since Django does not list a swapped model's table.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("montage", "0002_tokens_from_authtoken"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS knox_authtoken", reverse_sql=migrations.RunSQL.noop),
    ]
