"""``SignInSession.user_id`` becomes the column of a relation to the account (no constraint, same column and index):
the session engine reads a session and its account in one query. Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_signin_session"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="signinsession", name="user_id"),
                migrations.AddField(
                    model_name="signinsession",
                    name="user",
                    field=models.ForeignKey(
                        blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+", to="accounts.user", verbose_name="tài khoản",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
