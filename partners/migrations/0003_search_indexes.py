"""A GIN index for the global search over contacts, on PostgreSQL only.

Superseded by 0005_contact_search_document (a stored, indexed document), which drops this
index; kept so that the migration history stays linear. SQLite has no full-text vectors: there the search uses ``icontains``
and this migration does nothing. The model's Meta does not list the index, so the models stay
portable and ``makemigrations`` never tries to drop it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, Func, Value

INDEX_NAME = "contact_search_simple"


def _index():
    email_words = Func(
        F("email"), Value(r"[@._+-]+"), Value(" "), Value("g"), function="regexp_replace"
    )
    return GinIndex(
        SearchVector("first_name", "last_name", email_words, config="simple"), name=INDEX_NAME
    )


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("partners", "Contact"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("partners", "Contact"), _index())


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_reference_data")]
    operations = [migrations.RunPython(add_index, remove_index, elidable=False)]
