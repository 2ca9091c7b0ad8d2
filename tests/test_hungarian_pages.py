"""The pages that issue 10 (security and data safety) added or changed speak Hungarian to a
Hungarian reader: the second factor, the lock-out page, the spreadsheet import, memberships and
their fees and history, the suppression list, the local mailbox, the error pages, the edit
conflict message and the navigation. A walk-through once found English on each of them.

Each page is requested with ``Accept-Language: hu`` by the role that uses it; a few phrases
that were English must be gone from its visible text and their Hungarian must be there.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from cityrelations.mfa.testing import give_totp_device, login_verified
from newsletters.models import Suppression, email_hash
from partners.models import Membership
from tests.editing import edit_form_data
from tests.factories import CityFactory, MembershipFactory, PartnershipFactory, UserFactory
from tests.partners.test_imports import csv_file
from tests.urlconf_support import load_urlconf

pytestmark = pytest.mark.django_db

HU = {"HTTP_ACCEPT_LANGUAGE": "hu"}


def visible_text(response) -> str:
    """What a reader sees: the page without scripts, styles and tags, entities decoded."""
    assert response.status_code in (200, 400, 403, 404, 429), response.status_code
    page = response.content.decode()
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def assert_hungarian(response, english: list[str], hungarian: list[str]) -> None:
    text = visible_text(response)
    for phrase in english:  # a whole word: "Partners" is not in "Partnerségek"
        found = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
        assert not found, f"English on a Hungarian page: {phrase!r}"
    for phrase in hungarian:
        assert phrase in text, f"missing Hungarian: {phrase!r}"


@pytest.fixture
def no_second_factor_required(settings):
    settings.STAFF_REQUIRE_2FA = False


# --- Navigation ---------------------------------------------------------------------------------


def test_the_navbar(staff_client):
    assert_hungarian(
        staff_client.get("/", **HU),
        english=["Partners", "Delegations", "Memberships", "Gifts register"],
        hungarian=["Partnerek", "Delegációk", "Tagságok", "Ajándéknyilvántartás"],
    )


# --- Second factor and lock-out -----------------------------------------------------------------


def test_setting_up_an_authenticator_app(no_second_factor_required, staff_client):
    assert_hungarian(
        staff_client.get(reverse("mfa:totp_setup"), **HU),
        english=["Set up an authenticator app", "Confirm", "Cancel"],
        hungarian=["Hitelesítő alkalmazás beállítása", "Megerősítés", "Mégse"],
    )


def test_managing_the_second_factor(staff_user):
    client = Client()
    login_verified(client, staff_user)
    assert_hungarian(
        client.get(reverse("mfa:manage"), **HU),
        english=["Two-factor authentication", "Recovery codes", "Authenticator app"],
        hungarian=["Kétlépcsős azonosítás", "Helyreállítási kódok"],
    )


def test_the_second_step_of_the_login(staff_user):
    give_totp_device(staff_user)
    client = Client(**HU)
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "demo"})
    assert response.status_code == 302
    assert_hungarian(
        client.get(reverse("mfa:verify")),
        english=["Second step", "Verify", "Log out"],
        hungarian=["Második lépés", "Ellenőrzés", "Kijelentkezés"],
    )


def test_the_locked_out_page(settings, staff_user):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(**HU)
    for _ in range(2):
        response = client.post(reverse("login"), {"username": staff_user.username, "password": "x"})
    assert response.status_code == 429
    assert_hungarian(
        response,
        english=["Account locked", "For your security", "Too many failed log-in attempts"],
        hungarian=["A fiók zárolva", "Biztonsága érdekében", "Túl sok sikertelen bejelentkezési"],
    )


# --- Spreadsheet import -------------------------------------------------------------------------

CITIES = (
    "name,country,region,population,latitude,longitude,timezone\n"
    "Vienna,AT,Vienna,1897000,48.20849,16.37208,Europe/Vienna\n"
    "Prague,CZ,,1300000,50.08804,14.42076,Europe/Prague\n"
)


def test_the_import_pages_and_their_outcome(staff_client):
    assert_hungarian(
        staff_client.get(reverse("partners:import"), **HU),
        english=["Import from a spreadsheet", "Preview import", "Organisations", "Template files"],
        hungarian=["Importálás táblázatból", "Importálás előnézete", "Szervezetek", "Városok"],
    )
    upload = staff_client.post(
        reverse("partners:import"), {"kind": "cities", "file": csv_file(CITIES)}, **HU
    )
    assert upload.status_code == 302
    preview = staff_client.get(upload["Location"], **HU)
    assert_hungarian(
        preview,
        english=["Import preview", "Confirm import", "Upload another file", "Action"],
        hungarian=[
            "Importálás előnézete: Városok",
            "Importálás megerősítése",
            "Másik fájl feltöltése",
            "Művelet",
        ],
    )
    token = re.search(r"token=([\w-]+)", upload["Location"]).group(1)
    done = staff_client.post(
        reverse("partners:import_confirm"), {"token": token}, follow=True, **HU
    )
    assert_hungarian(
        done,
        english=["Imported", "new,", "unchanged."],
        hungarian=["Importálva (Városok): 2 új, 0 frissítve, 0 változatlan."],
    )


def test_an_import_with_errors(staff_client):
    bad = "name,country\nVienna,Nowhereland\n"
    upload = staff_client.post(
        reverse("partners:import"), {"kind": "cities", "file": csv_file(bad)}, **HU
    )
    assert_hungarian(
        staff_client.get(upload["Location"], **HU),
        english=["has errors", "Row 2", "Errors", "Nothing will be imported"],
        hungarian=["1 sor hibás", "2. sor", "Hibák", "Amíg minden sor nem hibátlan"],
    )


# --- Memberships, fees and history --------------------------------------------------------------


@pytest.fixture
def membership(staff_user) -> Membership:
    membership = MembershipFactory(
        fee_due_on=dt.date(2026, 3, 1), annual_fee=Decimal("5000.00"), fee_currency="EUR"
    )
    membership.fee_due_on = dt.date(2027, 3, 1)  # a change the History tab lists
    membership._history_user = staff_user  # type: ignore[attr-defined]
    membership.save()
    return membership


def test_a_membership_with_its_history(staff_client, membership):
    assert_hungarian(
        staff_client.get(reverse("partners:membership_detail", args=[membership.pk]), **HU),
        english=["Mark fee paid", "Role / tier", "Annual fee", "Fee due", "fee due on", "When"],
        hungarian=[
            "Tagság:",
            "Díj befizetettnek jelölése",
            "Szerep / szint",
            "Éves díj",
            "díj esedékessége",
            "Mikor",
            "Létrehozva",
        ],
    )


def test_an_organisation_with_its_membership(staff_client, membership):
    url = reverse("partners:organization_detail", args=[membership.organization.pk])
    assert_hungarian(
        staff_client.get(url, **HU),
        english=["since", "Past memberships", "No contacts recorded."],
        hungarian=[
            "2020. január 1. óta",
            "Kapcsolattartó munkatárs",
            "Nincs rögzített kapcsolattartó.",
        ],
    )


def test_recording_a_fee_payment(staff_client, membership):
    assert_hungarian(
        staff_client.get(reverse("partners:membership_fee_paid", args=[membership.pk]), **HU),
        english=["Memberships", "Currency", "Record a fee payment"],
        hungarian=["Tagságok", "Pénznem", "Díjfizetés rögzítése"],
    )


def test_the_membership_list(staff_client, membership):
    assert_hungarian(
        staff_client.get(reverse("partners:membership_list"), **HU),
        english=["New membership", "1 membership", "Role / tier"],
        hungarian=["Új tagság", "1 tagság", "Szerep / szint"],
    )


def test_the_edit_conflict_message_quotes_the_hungarian_way(staff_client):
    partnership = PartnershipFactory(city=CityFactory())
    url = reverse("partners:partnership_update", args=[partnership.pk])
    data = edit_form_data(staff_client.get(url, **HU).content)
    partnership.summary = "Villamoscsere"
    partnership._history_user = UserFactory(first_name="Anna", last_name="Kollega")
    partnership.save()

    response = staff_client.post(url, {**data, "notes": "Májusban hívni"}, **HU)

    assert "data-version-conflict" in response.content.decode()
    assert_hungarian(
        response,
        english=["Summary: was", "“Villamoscsere”", "changed by"],
        hungarian=["Összefoglaló: korábban", "„Villamoscsere”", "módosította: Anna Kollega"],
    )


# --- Suppression list and the local mailbox -----------------------------------------------------


def test_the_suppression_list_and_lifting(staff_client):
    Suppression.objects.create(email_hash=email_hash("gone@mail.example"), reason="bounced")
    assert_hungarian(
        staff_client.get(reverse("newsletters:suppression_list"), **HU),
        english=["Addresses that are never mailed again", "Suppress an address", "Address hash"],
        hungarian=["Címek, amelyekre soha többé", "Cím letiltása", "A cím lenyomata", "Összesen"],
    )
    lift = reverse("newsletters:suppression_lift")
    data = {"email": "nobody@mail.example", "reason": "typo"}
    assert_hungarian(
        staff_client.post(lift, data, **HU),
        english=["is not on the suppression list"],
        hungarian=["Ez a cím nincs visszapattanás vagy panasz miatt a letiltási listán."],
    )


@pytest.fixture
def embedded(settings, monkeypatch):
    """Debug mode with the mailbox backend, as `make run` has it."""
    load_urlconf(
        settings, monkeypatch, DEBUG=True, EMAIL_BACKEND="cityrelations.mailbox.MailboxBackend"
    )


def test_the_local_mailbox(embedded, staff_user, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the email leaves from a task
        Client().post("/accounts/password_reset/", {"email": staff_user.email})
    page = staff_client.get("/mailbox/", **HU)
    assert_hungarian(
        page,
        english=["Local mailbox", "No mail server is configured", "Subject"],
        hungarian=["Helyi postafiók", "Nincs levelezőszerver beállítva", "Tárgy", "Címzett"],
    )
    name = re.search(r'href="/mailbox/([^"]+\.eml)"', page.content.decode()).group(1)
    message = staff_client.get(f"/mailbox/{name}", **HU)
    # The headers a reader reads too, and the date as every date ("2026. december 7. 15:59"),
    # not the header's "Mon, 07 Dec 2026 15:59:05 -0000".
    assert_hungarian(
        message,
        english=["Plain text", "Local mailbox", "Subject", "From", "To", "Date"],
        hungarian=["Egyszerű szöveg", "Helyi postafiók", "Tárgy", "Feladó", "Címzett", "Dátum"],
    )
    assert not re.search(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d", visible_text(message))


# --- Error pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_not_found_page(who, staff_user):
    client = Client()
    if who == "staff":
        client.force_login(staff_user)
    assert_hungarian(
        client.get("/no-such-page/", **HU),
        english=["Page not found", "Error 404"],
        hungarian=["Az oldal nem található", "404"],
    )


# --- The catalogue ------------------------------------------------------------------------------


def test_the_committed_catalogue_is_compiled_and_has_no_fuzzy_entries():
    """django.mo is committed: it must hold every translation of django.po, as msgfmt makes it."""
    import polib
    from django.conf import settings

    for locale_dir in settings.LOCALE_PATHS:
        po_path = locale_dir / "hu" / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(po_path.with_suffix(".mo")))}
        assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()][:5]
        for entry in po.translated_entries():
            compiled = mo.get((entry.msgctxt, entry.msgid))
            assert compiled is not None, f"{po_path}: not compiled: {entry.msgid!r}"
            assert (compiled.msgstr, compiled.msgstr_plural) == (
                entry.msgstr,
                entry.msgstr_plural,
            ), entry.msgid
