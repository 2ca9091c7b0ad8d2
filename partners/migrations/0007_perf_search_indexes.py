"""GIN indexes on the full-text expressions the global search uses (PostgreSQL only).

``cityrelations.pages.search`` matches cities, organisations and agreements with
``SearchVector(*fields, config="simple")``; without an index on that exact expression every
search recomputes ``to_tsvector`` for all 20,000 agreements (a quarter of a second). The
fields here must stay in step with ``cityrelations.pages.search.KINDS`` (the city index was since
replaced by ``0014_city_search_folded_names``). Partnerships are matched on
their city's name too (a join), which no index can cover; there are few enough of them. The
models' Meta does not list these indexes, so the models stay portable (SQLite: nothing).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "City": ("city_search_simple", ("name", "region")),
    "Organization": ("organization_search_simple", ("name", "acronym", "description")),
    "Agreement": (
        "agreement_search_simple",
        ("title", "summary", "signed_at", "signatory_home", "signatory_partner"),
    ),
}


def _index(name, fields):
    return GinIndex(SearchVector(*fields, config="simple"), name=name)


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (name, fields) in INDEXES.items():
        schema_editor.add_index(apps.get_model("partners", model_name), _index(name, fields))


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, (name, fields) in INDEXES.items():
        schema_editor.remove_index(apps.get_model("partners", model_name), _index(name, fields))


class Migration(migrations.Migration):
    dependencies = [("partners", "0006_perf_contact_trigram")]
    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
