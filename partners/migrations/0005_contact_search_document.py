"""Contacts' full-text document as a stored generated column with a GIN index (PostgreSQL only).

Replaces the expression index of 0003: with 100,000 contacts, a broad prefix ("e") matches
most rows, and ranking them recomputed ``to_tsvector`` per row (seconds). A stored document is
read, not recomputed. The column is invisible to the Django model (the database fills it), so
the models stay portable; on SQLite this migration does nothing and search uses ``icontains``.
``cityrelations.pages.search`` reads the column only on PostgreSQL.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS contact_search_simple",
    """
    ALTER TABLE partners_contact ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (
        to_tsvector(
            'simple'::regconfig,
            coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' '
            || regexp_replace(coalesce(email, ''), '[@._+-]+', ' ', 'g')
        )
    ) STORED
    """,
    "CREATE INDEX contact_search_document ON partners_contact USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS contact_search_document",
    "ALTER TABLE partners_contact DROP COLUMN IF EXISTS search_document",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("partners", "0004_reminder_schedule")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
