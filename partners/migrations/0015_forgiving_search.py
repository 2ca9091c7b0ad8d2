"""Search that forgives letter case, accents and typos (PostgreSQL only; SQLite: nothing).

Creates the ``unaccent`` and ``pg_trgm`` extensions, the IMMUTABLE ``cr_fold`` function
(``cityrelations.core.search``) and a GIN trigram index on each model's folded search document,
the very expression its ``search()`` matches (``folded_document(*search_fields)``): keep the
fields here in step with the QuerySets' ``search_fields``. Partnerships are matched through
their city's names (a join no index covers; there are a few thousand of them).

Drops what the former full-text search used: contacts' stored ``search_document`` column and
the ``simple`` full-text indexes of cities, organisations and agreements.
"""

from importlib import import_module

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations

from cityrelations.core.search import POSTGRESQL_FOLD_FUNCTION, folded_document

INDEXES = {
    "City": ("city_search_trgm", ("search_names", "region")),
    "Organization": ("organization_search_trgm", ("name", "acronym", "description")),
    "Contact": ("contact_search_trgm", ("first_name", "last_name", "email")),
    "Office": ("office_search_trgm", ("title",)),
    "Agreement": (
        "agreement_search_trgm",
        (
            "title",
            "summary",
            "signatory_home",
            "signatory_partner",
            "signed_at",
            "council_resolution",
        ),
    ),
    "Project": ("project_search_trgm", ("title", "description", "funding_programme")),
}
OBSOLETE = [
    "DROP INDEX IF EXISTS city_search_folded",
    "DROP INDEX IF EXISTS organization_search_simple",
    "DROP INDEX IF EXISTS agreement_search_simple",
    "DROP INDEX IF EXISTS contact_search_document",
    "ALTER TABLE partners_contact DROP COLUMN IF EXISTS search_document",
]


def trigram_index(name, fields):
    return GinIndex(OpClass(folded_document(*fields), name="gin_trgm_ops"), name=name)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Not django.contrib.postgres's extension operations: migrating back would drop pg_trgm,
    # on which the indexes of 0006 depend.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(POSTGRESQL_FOLD_FUNCTION)
    for statement in OBSOLETE:
        schema_editor.execute(statement)
    for model_name, (name, fields) in INDEXES.items():
        schema_editor.add_index(apps.get_model("partners", model_name), trigram_index(name, fields))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (name, fields) in INDEXES.items():
        schema_editor.remove_index(
            apps.get_model("partners", model_name), trigram_index(name, fields)
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS cr_fold(text)")
    # What the former search read, as the migrations that made it built it.
    contact_document = import_module("partners.migrations.0005_contact_search_document")
    for statement in contact_document.FORWARD[1:]:  # [0] drops an index of 0003
        schema_editor.execute(statement)
    full_text = import_module("partners.migrations.0007_perf_search_indexes")
    for model_name in ("Organization", "Agreement"):
        name, fields = full_text.INDEXES[model_name]
        schema_editor.add_index(
            apps.get_model("partners", model_name), full_text._index(name, fields)
        )
    city_names = import_module("partners.migrations.0014_city_search_folded_names")
    schema_editor.add_index(apps.get_model("partners", "City"), city_names.NEW)


class Migration(migrations.Migration):
    dependencies = [("partners", "0014_city_search_folded_names")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
