"""The gifts register: staff list and edits by role, and the public page and CSV that never
show contact details, storage locations or internal notes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from delegations.models import Gift
from partners.models import Office
from tests.editing import with_version
from tests.factories import ContactFactory

from .factories import VisitFactory

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Kept in the safe because the mayor dislikes it"
SECRET_STORAGE = "Basement room B-17"


def make_gift(**kwargs) -> Gift:  # type: ignore[no-untyped-def]
    defaults = {
        "direction": Gift.Direction.RECEIVED,
        "description": "Crystal bowl",
        "counterpart": "Mayor of Vienna",
        "date": dt.date(2025, 5, 4),
        "value": Decimal("250.00"),
    }
    defaults.update(kwargs)
    return Gift.objects.create(**defaults)


@pytest.fixture
def contact():
    return ContactFactory(
        first_name="Ulrike", last_name="Geheim", email="ulrike.geheim@wien.example"
    )


@pytest.fixture
def private_gift(contact):
    visit = VisitFactory(owner=None, title="Vienna working visit")
    return make_gift(
        visit=visit,
        counterpart_contact=contact,
        notes=SECRET_NOTE,
        storage_location=SECRET_STORAGE,
    )


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gift_list", "gift_create"])
def test_anonymous_is_sent_to_login_for_staff_pages(anonymous_client, name):
    response = anonymous_client.get(reverse(f"delegations:{name}"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anonymous_cannot_edit_or_delete(anonymous_client, private_gift):
    for name in ("gift_update", "gift_delete"):
        response = anonymous_client.post(reverse(f"delegations:{name}", args=[private_gift.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Gift.objects.filter(pk=private_gift.pk).exists()


def test_mayor_reads_the_register_but_cannot_change_it(mayor_client, private_gift):
    response = mayor_client.get(reverse("delegations:gift_list"))
    assert response.status_code == 200
    assert "Crystal bowl" in response.content.decode()
    assert reverse("delegations:gift_create") not in response.content.decode()
    assert mayor_client.get(reverse("delegations:gift_create")).status_code == 403
    assert mayor_client.post(reverse("delegations:gift_create"), {}).status_code == 403
    for name in ("gift_update", "gift_delete"):
        url = reverse(f"delegations:{name}", args=[private_gift.pk])
        assert mayor_client.post(url, {}).status_code == 403
    assert Gift.objects.filter(pk=private_gift.pk).exists()


# --- Staff list ------------------------------------------------------------------------------


def test_staff_list_shows_internal_details(staff_client, private_gift):
    body = staff_client.get(reverse("delegations:gift_list")).content.decode()
    assert "Crystal bowl" in body
    assert "Geheim" in body
    assert SECRET_STORAGE in body


def test_staff_list_filters(staff_client):
    visit = VisitFactory(owner=None, title="Prague visit")
    make_gift(description="Glass from Prague", visit=visit, date=dt.date(2024, 3, 1))
    make_gift(
        description="Tokaji wine",
        direction=Gift.Direction.GIVEN,
        disposition=Gift.Disposition.DONATED,
        date=dt.date(2025, 6, 1),
    )
    url = reverse("delegations:gift_list")

    def descriptions(query: str) -> str:
        return staff_client.get(url + query).content.decode()

    body = descriptions("?direction=given")
    assert "Tokaji wine" in body and "Glass from Prague" not in body
    body = descriptions("?disposition=donated")
    assert "Tokaji wine" in body and "Glass from Prague" not in body
    unfiltered = descriptions("")
    # The year choice starts empty: submitting the form unchanged filters nothing.
    assert re.search(r'<option value=""( selected)?>Any year</option>', unfiltered)
    assert "Glass from Prague" in unfiltered and "Tokaji wine" in unfiltered
    body = descriptions("?year=2024")
    assert "Glass from Prague" in body and "Tokaji wine" not in body
    body = descriptions(f"?visit={visit.pk}")
    assert "Glass from Prague" in body and "Tokaji wine" not in body
    body = descriptions("?q=tokaji")
    assert "Tokaji wine" in body and "Glass from Prague" not in body
    body = descriptions("?sort=date")
    assert body.index("Glass from Prague") < body.index("Tokaji wine")


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=1800", "?visit=x", "?page=zzz", "?page=999", "?sort=bogus"]
)
def test_malformed_list_queries_never_fail(staff_client, anonymous_client, query):
    make_gift()
    assert staff_client.get(reverse("delegations:gift_list") + query).status_code == 200
    assert anonymous_client.get(reverse("delegations:gift_public") + query).status_code == 200
    assert anonymous_client.get(reverse("delegations:gift_public_csv") + query).status_code == 200


def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries):
    contact = ContactFactory()
    make_gift(visit=VisitFactory(owner=None), counterpart_contact=contact)
    url = reverse("delegations:gift_list")
    staff_client.get(url)  # warm the permission cache of the session's user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(url).status_code == 200
    for _ in range(10):
        make_gift(visit=VisitFactory(owner=None), counterpart_contact=ContactFactory())
    with django_assert_num_queries(len(one)):
        staff_client.get(url)


# --- Create, edit, delete ---------------------------------------------------------------------


def gift_post(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "direction": "given",
        "date": "2025-09-10",
        "description": "Herend porcelain",
        "value": "120.50",
        "currency": "EUR",
        "counterpart": "Mayor of Prague",
        "disposition": "kept",
        "storage_location": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_staff_records_a_gift(staff_client):
    response = staff_client.post(reverse("delegations:gift_create"), gift_post())
    assert response.status_code == 302
    gift = Gift.objects.get()
    assert gift.description == "Herend porcelain"
    assert gift.value == Decimal("120.50")
    assert response["Location"] == reverse("delegations:gift_list")


def test_a_negative_value_is_refused(staff_client):
    response = staff_client.post(reverse("delegations:gift_create"), gift_post(value="-5"))
    assert response.status_code == 200
    assert "value" in response.context["form"].errors
    assert not Gift.objects.exists()


def test_recording_a_gift_from_a_visit_page(staff_client):
    visit = VisitFactory(owner=None, start_date=dt.date.today(), end_date=dt.date.today())
    contact = ContactFactory(last_name="Officeholder")
    Office.objects.create(title="Mayor of Prague", contact=contact)
    url = reverse("delegations:gift_create") + f"?visit={visit.pk}"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["visit"] == visit
    # Office holders are offered as contacts: the picker searches them (the page lists none).
    assert "kind=gift_counterpart" in page.content.decode()
    found = staff_client.get(
        reverse("partners:option_search"), {"kind": "gift_counterpart", "q": "officeholder"}
    ).json()["results"]
    assert [r["value"] for r in found] == [str(contact.pk)]
    ContactFactory(last_name="Officeholderless")  # neither office holder nor participant
    found = staff_client.get(
        reverse("partners:option_search"), {"kind": "gift_counterpart", "q": "officeholder"}
    ).json()["results"]
    assert [r["value"] for r in found] == [str(contact.pk)]
    response = staff_client.post(
        url, gift_post(visit=str(visit.pk), counterpart_contact=str(contact.pk))
    )
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert Gift.objects.get().visit == visit


def test_unknown_visit_in_query_is_404(staff_client):
    assert staff_client.get(reverse("delegations:gift_create") + "?visit=abc").status_code == 404
    assert staff_client.get(reverse("delegations:gift_create") + "?visit=99999").status_code == 404


def test_staff_edits_and_deletes_a_gift(staff_client, private_gift):
    url = reverse("delegations:gift_update", args=[private_gift.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        with_version(
            gift_post(description="Crystal bowl (chipped)", disposition="archived"), private_gift
        ),
    )
    assert response.status_code == 302
    private_gift.refresh_from_db()
    assert private_gift.description == "Crystal bowl (chipped)"
    assert private_gift.disposition == "archived"

    delete_url = reverse("delegations:gift_delete", args=[private_gift.pk])
    confirm = staff_client.get(delete_url)
    assert confirm.status_code == 200 and "This cannot be undone" in confirm.content.decode()
    assert Gift.objects.filter(pk=private_gift.pk).exists()
    assert staff_client.post(delete_url).status_code == 302
    assert not Gift.objects.filter(pk=private_gift.pk).exists()


def test_missing_gift_is_404(staff_client):
    assert staff_client.get(reverse("delegations:gift_update", args=[99999])).status_code == 404
    assert staff_client.post(reverse("delegations:gift_delete", args=[99999])).status_code == 404


# --- Public register ---------------------------------------------------------------------------


def test_public_page_leaves_out_contact_and_internal_notes(anonymous_client, private_gift):
    response = anonymous_client.get(reverse("delegations:gift_public"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Crystal bowl" in body
    assert "Mayor of Vienna" in body
    assert "Vienna working visit" in body
    assert "Ulrike" not in body and "Geheim" not in body
    assert "ulrike.geheim@wien.example" not in body
    assert SECRET_NOTE not in body
    assert SECRET_STORAGE not in body


def test_public_search_does_not_match_internal_notes(anonymous_client, private_gift):
    response = anonymous_client.get(reverse("delegations:gift_public") + "?q=safe+mayor+dislikes")
    assert "Crystal bowl" not in response.content.decode()


def test_public_csv_leaves_out_contact_and_internal_notes(anonymous_client, private_gift):
    response = anonymous_client.get(reverse("delegations:gift_public_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    header, row = text.strip().splitlines()
    assert (
        header == "Date,Given / received,Description,Counterpart,Value,Currency,Disposition,Visit"
    )
    assert (
        row == "2025-05-04,Received,Crystal bowl,Mayor of Vienna,250.00,EUR,Kept by the city,"
        "Vienna working visit"
    )
    for secret in ("Ulrike", "Geheim", "ulrike.geheim@wien.example", SECRET_NOTE, SECRET_STORAGE):
        assert secret not in text


def test_public_csv_escapes_formulae(anonymous_client):
    make_gift(description='=HYPERLINK("http://evil.example","x")')
    text = anonymous_client.get(reverse("delegations:gift_public_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_public_page_query_count_does_not_grow(anonymous_client, django_assert_num_queries):
    make_gift(visit=VisitFactory(owner=None))
    url = reverse("delegations:gift_public")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        anonymous_client.get(url)
    for _ in range(10):
        make_gift(visit=VisitFactory(owner=None))
    with django_assert_num_queries(len(one)):
        anonymous_client.get(url)


def test_the_visit_choice_is_bounded_but_keeps_the_linked_visit():
    from delegations.forms.gifts import GiftForm

    old = VisitFactory(
        owner=None,
        title="Visit of 2015",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2015, 1, 2),
    )
    recent = VisitFactory(owner=None, title="Recent visit")
    offered = set(GiftForm().fields["visit"].queryset)
    assert recent in offered and old not in offered
    gift = make_gift(visit=old)
    assert old in set(GiftForm(instance=gift).fields["visit"].queryset)
