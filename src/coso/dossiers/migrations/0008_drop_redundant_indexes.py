"""Drop the dossier table's single-column indexes that composite indexes already lead with (province, commune, owner,
assignee, and PostgreSQL's pattern-matching copies of the codes): six of twenty indexes every insert and update kept.

Only the indexes are dropped (``DROP INDEX IF EXISTS``, the names Django gave them): altering the fields in the
database would rebuild the table on SQLite and drop and validate again the foreign keys on PostgreSQL, minutes at
national volume."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = [
    "dossiers_dossier_province_code_405b0a03",
    "dossiers_dossier_province_code_405b0a03_like",
    "dossiers_dossier_commune_code_0d2ccde8",
    "dossiers_dossier_commune_code_0d2ccde8_like",
    "dossiers_dossier_owner_id_21952ae7",
    "dossiers_dossier_assignee_id_127f79ea",
]
CREATED = {  # the reverse: each index as Django made it (the pattern copies on PostgreSQL only)
    "dossiers_dossier_province_code_405b0a03": ("province_code", ""),
    "dossiers_dossier_province_code_405b0a03_like": ("province_code", "varchar_pattern_ops"),
    "dossiers_dossier_commune_code_0d2ccde8": ("commune_code", ""),
    "dossiers_dossier_commune_code_0d2ccde8_like": ("commune_code", "varchar_pattern_ops"),
    "dossiers_dossier_owner_id_21952ae7": ("owner_id", ""),
    "dossiers_dossier_assignee_id_127f79ea": ("assignee_id", ""),
}


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, (column, opclass) in CREATED.items():
        if opclass and not postgresql:
            continue
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "dossiers_dossier" ("{column}" {opclass})'.replace(" )", ")"))


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0007_search_entry_units"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(drop, create_again),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name='dossier',
                    name='assignee',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_dossiers', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='dossier',
                    name='commune_code',
                    field=models.CharField(blank=True, default='', max_length=8, verbose_name='mã xã'),
                ),
                migrations.AlterField(
                    model_name='dossier',
                    name='owner',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='own_dossiers', to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name='dossier',
                    name='province_code',
                    field=models.CharField(blank=True, default='', max_length=8, verbose_name='mã tỉnh'),
                ),
            ],
        ),
    ]
