"""A GiST index on each visit's date span (PostgreSQL only; SQLite does nothing).

"Visits overlapping these dates" (calendar month, review queue, conflicts) is
``start_date <= end AND end_date >= start``: a B-tree on the dates can bound only one side, so
with 50,000 visits the calendar read most of the table. ``VisitQuerySet.overlapping`` asks
``daterange(start_date, end_date, '[]') && daterange(start, end, '[]')`` on PostgreSQL, which
this index answers directly (and estimates well).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS visit_span_gist ON delegations_visit "
        "USING gist (daterange(start_date, end_date, '[]'))"
    )
    schema_editor.execute("ANALYZE delegations_visit")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS visit_span_gist")


class Migration(migrations.Migration):
    dependencies = [("delegations", "0003_logistics_open_due")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
