"""Trigram indexes for the contact list search (PostgreSQL only; SQLite does nothing).

The list matches every word with ``icontains`` (``UPPER(col) LIKE UPPER('%word%')``) in the
first name, last name and email. These GIN indexes are on exactly those expressions, so a
search over 100,000 contacts combines index scans; ANALYZE also gathers statistics on the
expressions, so the planner knows how many contacts a word matches (the prefix ``tsquery`` on
``search_document`` is always estimated at 2 % of the rows, which led it to walk the whole
name index for rare names).
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS contact_{column}_trgm ON partners_contact "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )
    schema_editor.execute("ANALYZE partners_contact")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS contact_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("partners", "0005_contact_search_document")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
