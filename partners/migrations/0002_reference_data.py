"""The seven dimensions of city diplomacy, agenda topics, SDG 1–17 and the real networks and
international organisations a city deals with."""

from django.db import migrations

DIMENSIONS = [
    "Security", "Economic Development", "Environment", "Culture", "Transport", "Networks",
    "Representation",
]
TOPICS = [
    "Investment", "Tourism", "Immigration", "Education", "Climate", "Housing", "Health",
    "Innovation", "Social inclusion", "Democracy and rule of law",
]
SDGS = [
    "No poverty", "Zero hunger", "Good health and well-being", "Quality education",
    "Gender equality", "Clean water and sanitation", "Affordable and clean energy",
    "Decent work and economic growth", "Industry, innovation and infrastructure",
    "Reduced inequalities", "Sustainable cities and communities",
    "Responsible consumption and production", "Climate action", "Life below water",
    "Life on land", "Peace, justice and strong institutions", "Partnerships for the goals",
]
ORGANIZATIONS = [
    ("Pact of Free Cities", "PFC", "network", "https://www.pactoffreecities.org",
     "Alliance of cities founded in Budapest on 16 December 2019 by the mayors of Budapest, Bratislava, Prague and Warsaw."),
    ("C40 Cities Climate Leadership Group", "C40", "network", "https://www.c40.org",
     "Network of mayors of the world's leading cities acting on climate change."),
    ("United Cities and Local Governments", "UCLG", "network", "https://www.uclg.org",
     "World organisation of local and regional governments."),
    ("Eurocities", "", "network", "https://eurocities.eu", "Network of major European cities."),
    ("ICLEI – Local Governments for Sustainability", "ICLEI", "network", "https://iclei.org",
     "Global network of local and regional governments committed to sustainable development."),
    ("Global Covenant of Mayors for Climate & Energy", "GCoM", "network",
     "https://www.globalcovenantofmayors.org", "Largest global alliance for city climate leadership."),
    ("European Committee of the Regions", "CoR", "eu", "https://cor.europa.eu",
     "The EU's assembly of local and regional representatives."),
    ("UN-Habitat", "", "international", "https://unhabitat.org",
     "United Nations Human Settlements Programme."),
    ("World Bank", "", "international", "https://www.worldbank.org", ""),
    ("Organisation for Economic Co-operation and Development", "OECD", "international",
     "https://www.oecd.org", ""),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("partners", "Theme")
    SDG = apps.get_model("partners", "SDG")
    Organization = apps.get_model("partners", "Organization")
    from django.utils.text import slugify

    for order, name in enumerate(DIMENSIONS, start=1):
        Theme.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "kind": "dimension", "order": order}
        )
    for order, name in enumerate(TOPICS, start=1):
        Theme.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "kind": "topic", "order": order}
        )
    for number, name in enumerate(SDGS, start=1):
        SDG.objects.get_or_create(number=number, defaults={"name": name})
    for name, acronym, kind, website, description in ORGANIZATIONS:
        Organization.objects.get_or_create(
            name=name,
            defaults={"acronym": acronym, "kind": kind, "website": website, "description": description},
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
