from django.db import migrations, models


def unit_dependency_statistics(apps, schema_editor):
    """PostgreSQL: tell the planner that an entry's commune decides its province (extended statistics). Without
    them it multiplies the two filters of a commune officer's search as if independent, estimates a few dozen
    entries where there are thousands, and probes the dossier table once per entry instead of hashing them."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE STATISTICS IF NOT EXISTS search_unit_dependencies (dependencies) ON province_code, commune_code "
                              "FROM core_searchentry")


def drop_unit_dependency_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS search_unit_dependencies")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_search_word_count'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='searchentry',
            index=models.Index(fields=['kind', 'province_code', 'token', 'commune_code', 'object_id', 'words'], name='search_unit_token_words_idx'),
        ),
        migrations.RunPython(unit_dependency_statistics, drop_unit_dependency_statistics),
    ]
