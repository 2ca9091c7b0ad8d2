"""``manage.py seed_demo``: idempotent, ~30 partnerships on every continent, something due soon."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from partners.models import Agreement, City, Contact, Continent, Membership, Partnership

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("partners").get_models()
    }


def test_seed_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first


def test_seed_covers_every_continent_level_and_status(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert 28 <= Partnership.objects.count() <= 40
    continents = set(Partnership.objects.values_list("city__continent", flat=True))
    assert continents == {c.value for c in Continent if c != Continent.ANTARCTICA}
    assert set(Partnership.objects.values_list("level", flat=True)) == set(Partnership.Level.values)
    assert set(Partnership.objects.values_list("status", flat=True)) == set(
        Partnership.Status.values
    )
    budapest = City.objects.get(name="Budapest", country="HU")
    assert budapest.latitude is not None and budapest.geonames_id == 3054643
    # Demo cities with a Hungarian name of their own carry it; the others keep the gazetteer's.
    assert City.objects.get(name="Vienna").name_hu == "Bécs"
    assert City.objects.get(name="Kraków").name_hu == "Krakkó"
    assert budapest.name_hu == ""
    vienna = City.objects.get(name="Vienna")
    assert (round(float(vienna.latitude), 2), round(float(vienna.longitude), 2)) == (48.21, 16.37)
    assert Agreement.objects.expiring(90).exists()
    assert Membership.objects.fees_due(30).exists() and Membership.objects.reports_due(30).exists()
    assert Partnership.objects.dormant_candidates(12).exists()
    assert Contact.objects.filter(last_name="Example").exists()
    assert not Contact.objects.exclude(email__endswith=".example").exists()


def test_seed_refuses_outside_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)


def test_seed_has_a_dozen_opportunities_across_every_stage(settings):
    from partners.models import Opportunity

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert Opportunity.objects.count() == 12
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Opportunity.Stage.values)
    assert all(o.next_step for o in Opportunity.objects.open().exclude(stage="identified"))
