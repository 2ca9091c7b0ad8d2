"""The admin and the history tab speak the reader's language: app and model names (ours and the
third-party apps'), the export's column choices, role names, and a record's history (field
names, choice labels, yes and no, a linked record by its name)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrelations.core.history import note_change
from partners.models import Partnership
from tests.factories import PartnershipFactory
from tests.test_hungarian_pages import assert_hungarian

pytestmark = pytest.mark.django_db

HU = {"HTTP_ACCEPT_LANGUAGE": "hu"}


def test_the_admin_index_in_hungarian(admin_client):
    assert_hungarian(
        admin_client.get(reverse("admin:index"), **HU),
        english=["Axes", "Otp_Static", "Otp_Totp", "Cityrelations", "Periodic Tasks", "Model name"],
        hungarian=[
            "Bejelentkezési kísérletek",
            "hozzáférési kísérletek".capitalize(),
            "Hitelesítő alkalmazások",
            "Helyreállítási kódok",
            "Ütemezett feladatok",
            "Modell neve",
            "Partnerségek",
            "Lapszámok",
        ],
    )


def test_the_admin_export_form_names_columns_in_hungarian(admin_client):
    assert_hungarian(
        admin_client.get(reverse("admin:partners_partnership_export"), **HU),
        english=["Is Public", "Proposed On", "Select all", "Submit"],
        hungarian=["Létrejötte", "Nyilvános", "Javaslat napja", "Összes kijelölése"],
    )


def test_role_names_in_the_user_menu(staff_client, mayor_client):
    assert_hungarian(
        staff_client.get("/", **HU), english=["Diplomacy unit"], hungarian=["Diplomáciai egység"]
    )
    assert_hungarian(
        mayor_client.get("/", **HU), english=["Mayor's office"], hungarian=["Polgármesteri kabinet"]
    )


def test_the_history_tab_in_hungarian(staff_client, staff_user):
    partnership = PartnershipFactory(level=Partnership.Level.SISTER, is_public=False)
    partnership.level = Partnership.Level.PARTNER
    partnership.is_public = True
    partnership.coordinator = staff_user
    note_change(partnership, by=staff_user)
    partnership.save()
    response = staff_client.get(partnership.get_absolute_url(), **HU)
    assert_hungarian(
        response,
        english=["Sister city", "Partner city", "level", "public", "Created"],
        hungarian=[
            "szint : Testvérváros → Partnerváros",
            "nyilvános : nem → igen",
            f"koordinátor : — → {staff_user.username}",  # the user, not their id
            "Létrehozva",
        ],
    )
