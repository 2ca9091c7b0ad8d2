"""Citizens' personal data: the mayor's office reads counts, not people, and every export of
personal data (subscribers, contacts) leaves one record in the log."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from cityrelations.core.models import PersonalDataExport
from cityrelations.mfa.testing import login_verified
from newsletters.models import Subscriber

from ..factories import ContactFactory, UserFactory
from ..newsletters.factories import EditionFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

PERSONAL_PAGES = [
    "newsletters:subscriber_list",
    "newsletters:subscriber_export",
    "newsletters:subscriber_import",
    "newsletters:suppression_list",
]


@pytest.mark.parametrize("name", PERSONAL_PAGES)
def test_the_mayors_office_gets_403_on_every_personal_data_page(name, mayor_client):
    SubscriberFactory(email="citizen@mail.example")
    url = reverse(name)
    for query in ("", "?format=xlsx"):
        response = mayor_client.get(url + query)
        assert response.status_code == 403
        assert b"citizen@mail.example" not in response.content
    assert not PersonalDataExport.objects.exists()


def test_the_mayors_office_sees_no_links_to_them(mayor_client, staff_client):
    pages = [reverse("dashboard"), reverse("newsletters:edition_list")]
    for url in pages:
        body = mayor_client.get(url).content.decode()
        for name in PERSONAL_PAGES:
            assert reverse(name) not in body, (url, name)
    # The diplomacy unit still has them in its menu.
    body = staff_client.get(reverse("newsletters:edition_list")).content.decode()
    assert reverse("newsletters:subscriber_list") in body


def test_the_mayors_office_sees_counts_on_an_edition_and_no_addresses(mayor_client):
    edition = EditionFactory(status="sent")
    for n in range(3):
        subscriber = SubscriberFactory(email=f"reader{n}@mail.example")
        edition.deliveries.create(subscriber=subscriber, status="sent")
    for url in (
        edition.get_absolute_url(),
        reverse("newsletters:edition_progress", args=[edition.pk]),
    ):
        response = mayor_client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "reader0@mail.example" not in body
    progress = mayor_client.get(reverse("newsletters:edition_progress", args=[edition.pk]))
    assert progress.context["progress"].sent == 3


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_subscriber_export_is_logged_once_with_user_filter_and_rows(
    fmt, staff_client, staff_user
):
    SubscriberFactory(email="a@mail.example", language="hu")
    SubscriberFactory(email="b@mail.example", language="hu")
    SubscriberFactory(email="c@mail.example", language="en")
    SubscriberFactory(email="d@mail.example", language="hu", status=Subscriber.Status.PENDING)
    url = reverse("newsletters:subscriber_export")
    response = staff_client.get(f"{url}?language=hu&status=active&page=2&format={fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert sorted(row[0] for row in rows[1:]) == ["a@mail.example", "b@mail.example"]
    else:
        assert response["Content-Type"].endswith("spreadsheetml.sheet")
    record = PersonalDataExport.objects.get()
    assert record.user == staff_user and record.username == "staff"
    assert record.kind == PersonalDataExport.Kind.SUBSCRIBERS
    assert record.filters == "language=hu&status=active"
    assert record.row_count == 2
    assert record.file_format == fmt
    assert record.created_at is not None


def test_the_subscriber_list_offers_both_formats(staff_client):
    body = staff_client.get(
        reverse("newsletters:subscriber_list") + "?language=hu"
    ).content.decode()
    assert "export/?language=hu&amp;format=xlsx" in body


def test_a_subscribers_own_data_export_is_not_logged(client):
    from newsletters.tokens import make_token

    subscriber = SubscriberFactory()
    token = make_token(subscriber, "preferences")
    assert client.get(reverse("newsletters:export_data", args=[token])).status_code == 200
    assert not PersonalDataExport.objects.exists()


@pytest.fixture
def admin_client_logged() -> Client:
    client = Client()
    login_verified(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _admin_export_payload(client: Client, url: str) -> dict[str, str]:
    form = client.get(url).context["form"]
    formats = dict(form.fields["format"].choices)
    payload = {"format": next(k for k, v in formats.items() if str(v).lower() == "csv")}
    payload["resource"] = "0"
    for name in form.fields:
        if name not in ("format", "resource", "export_items"):
            payload[name] = "on"
    return payload


def test_a_contacts_export_from_the_admin_is_logged(admin_client_logged):
    ContactFactory(last_name="Kovacs")
    ContactFactory(last_name="Kovacsne")
    ContactFactory(last_name="Smith")
    url = reverse("admin:partners_contact_export") + "?q=Kovacs"
    response = admin_client_logged.post(url, _admin_export_payload(admin_client_logged, url))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    record = PersonalDataExport.objects.get()
    assert record.kind == PersonalDataExport.Kind.CONTACTS
    assert record.username == "root"
    assert record.filters == "q=Kovacs"
    assert record.row_count == 2
    assert record.file_format == "csv"


def test_the_log_is_read_only_for_administrators(admin_client_logged, staff_client, staff_user):
    staff_client.get(reverse("newsletters:subscriber_export"))
    record = PersonalDataExport.objects.get()
    changelist = reverse("admin:cityrelations_personaldataexport_changelist")
    response = admin_client_logged.get(changelist)
    assert response.status_code == 200
    assert "staff" in response.content.decode()
    assert (
        admin_client_logged.get(reverse("admin:cityrelations_personaldataexport_add")).status_code
        == 403
    )
    change = reverse("admin:cityrelations_personaldataexport_change", args=[record.pk])
    admin_client_logged.post(change, {"username": "someone-else", "row_count": 0})
    record.refresh_from_db()
    assert record.username == "staff"
    delete = reverse("admin:cityrelations_personaldataexport_delete", args=[record.pk])
    assert admin_client_logged.post(delete, {"post": "yes"}).status_code == 403
    assert PersonalDataExport.objects.filter(pk=record.pk).exists()
