"""The reference vocabulary in Hungarian, and every existing name kept.

Themes and SDGs became translated (partners/translation.py): their text moves into the English
columns (every row, the ones staff added too), and the seeded themes and the 17 SDGs get their
Hungarian names; the SDGs' are the UN's official Hungarian ones. Cities get the folded search
text their new ``search_names`` column holds (both names without case and accents).

Backwards, the English text goes back into the single column (a theme or goal that only had a
Hungarian name keeps that one)."""

import unicodedata

from django.db import migrations

THEMES_HU = {
    # The seven dimensions of city diplomacy
    "security": "Biztonság",
    "economic-development": "Gazdaságfejlesztés",
    "environment": "Környezet",
    "culture": "Kultúra",
    "transport": "Közlekedés",
    "networks": "Hálózatok",
    "representation": "Képviselet",
    # Agenda topics
    "investment": "Befektetés",
    "tourism": "Turizmus",
    "immigration": "Bevándorlás",
    "education": "Oktatás",
    "climate": "Éghajlat",
    "housing": "Lakhatás",
    "health": "Egészségügy",
    "innovation": "Innováció",
    "social-inclusion": "Társadalmi befogadás",
    "democracy-and-rule-of-law": "Demokrácia és jogállamiság",
}

SDGS_HU = {
    1: "Nincs szegénység",
    2: "Nincs éhezés",
    3: "Egészség és jóllét",
    4: "Minőségi oktatás",
    5: "Nemek közötti egyenlőség",
    6: "Tiszta víz és alapvető köztisztaság",
    7: "Megfizethető és tiszta energia",
    8: "Tisztességes munka és gazdasági növekedés",
    9: "Ipar, innováció és infrastruktúra",
    10: "Egyenlőtlenségek csökkentése",
    11: "Fenntartható városok és közösségek",
    12: "Felelős fogyasztás és termelés",
    13: "Éghajlatvédelmi intézkedések",
    14: "Óceánok és tengerek védelme",
    15: "Szárazföldi ökoszisztémák védelme",
    16: "Béke, igazság és erős intézmények",
    17: "Partnerség a célok eléréséért",
}


def _folded(text):
    # As cityrelations.core.text.folded at the time of writing (migrations do not import app code).
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def forwards(apps, schema_editor):
    Theme = apps.get_model("partners", "Theme")
    SDG = apps.get_model("partners", "SDG")
    City = apps.get_model("partners", "City")
    for theme in Theme.objects.order_by("pk"):
        theme.name_en = theme.name_en or theme.name
        theme.description_en = theme.description_en or theme.description
        hungarian = THEMES_HU.get(theme.slug)
        if not theme.name_hu and hungarian:
            theme.name_hu = hungarian
        theme.save(update_fields=["name_en", "name_hu", "description_en"])
    # A theme staff added themselves may already be called by one of the Hungarian names (in
    # English): a name names one theme, so that one keeps it and the seeded theme goes without.
    english = {t.name_en.casefold(): t.pk for t in Theme.objects.all() if t.name_en}
    for theme in Theme.objects.exclude(name_hu=None):
        owner = english.get(theme.name_hu.casefold())
        if owner is not None and owner != theme.pk:
            theme.name_hu = None
            theme.save(update_fields=["name_hu"])
    for sdg in SDG.objects.all():
        sdg.name_en = sdg.name_en or sdg.name
        sdg.name_hu = sdg.name_hu or SDGS_HU.get(sdg.number)
        sdg.save(update_fields=["name_en", "name_hu"])
    for city in City.objects.only("pk", "name", "name_hu").iterator():
        names = " ".join(_folded(n) for n in (city.name, city.name_hu) if n)
        City.objects.filter(pk=city.pk).update(search_names=names)


def backwards(apps, schema_editor):
    for model in ("Theme", "SDG"):
        for row in apps.get_model("partners", model).objects.all():
            row.name = row.name_en or row.name_hu or row.name
            fields = ["name"]
            if model == "Theme":
                row.description = row.description_en or row.description_hu or ""
                fields.append("description")
            row.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("partners", "0012_names_in_both_languages")]
    operations = [migrations.RunPython(forwards, backwards)]
