"""A GIN trigram index on visits' folded search document (PostgreSQL only; SQLite: nothing),
the expression ``VisitQuerySet.search`` matches: see partners ``0015_forgiving_search``."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

from cityrelations.core.search import folded_document

INDEX = GinIndex(
    OpClass(folded_document("title", "purpose"), name="gin_trgm_ops"), name="visit_search_trgm"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("delegations", "Visit"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("delegations", "Visit"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0005_version"),
        ("partners", "0015_forgiving_search"),
    ]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
