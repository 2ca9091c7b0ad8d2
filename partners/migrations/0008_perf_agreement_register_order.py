"""An index in the agreements register's default order (PostgreSQL only; SQLite: nothing).

The register lists agreements newest signed first (``signed_on DESC NULLS LAST, title``).
Without an index in that order the database joins, counts documents for and sorts all
20,000 agreements to show 25; with it, it reads the first 25 in order. Not in the model's
Meta (the ordering expression is the list's, not the model's), so the models stay portable.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS agreement_register_order "
            "ON partners_agreement (signed_on DESC NULLS LAST, title)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS agreement_register_order")


class Migration(migrations.Migration):
    dependencies = [("partners", "0007_perf_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
