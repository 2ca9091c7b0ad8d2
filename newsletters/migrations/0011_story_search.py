"""A GIN trigram index on stories' folded search document (PostgreSQL only; SQLite: nothing),
the expression ``StoryQuerySet.search`` matches: see partners ``0015_forgiving_search``."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

from cityrelations.core.search import folded_document

INDEX = GinIndex(
    OpClass(folded_document("title_en", "title_hu"), name="gin_trgm_ops"), name="story_search_trgm"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("newsletters", "Story"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("newsletters", "Story"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletters", "0010_content_in_both_languages"),
        ("partners", "0015_forgiving_search"),
    ]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
