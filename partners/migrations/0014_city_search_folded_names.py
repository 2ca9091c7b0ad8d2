"""The global search's index on cities, on the names it now matches (PostgreSQL only).

Since cities carry a Hungarian name, the global search matches a city by ``search_names`` (both
names, folded: "wien becs") and its region, with every word typed also folded, so "Bécs",
"becs" and "BECS" find Vienna. The index of ``0007_perf_search_indexes`` was on ``name`` and
``region``, an expression the search no longer uses (every search read every city): this one
is on the expression of ``cityrelations.pages.search.KINDS``, and the two must stay in step.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

OLD = GinIndex(SearchVector("name", "region", config="simple"), name="city_search_simple")
NEW = GinIndex(SearchVector("search_names", "region", config="simple"), name="city_search_folded")


def _swap(apps, schema_editor, remove, add):
    if schema_editor.connection.vendor != "postgresql":
        return
    city = apps.get_model("partners", "City")
    schema_editor.remove_index(city, remove)
    schema_editor.add_index(city, add)


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("partners", "0013_hungarian_names")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
