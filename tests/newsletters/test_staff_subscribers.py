"""Staff pages for subscribers: list, filters, counts, export, import, suppression list."""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsletters.models import Subscriber, Suppression, email_hash

from .factories import SubscriberFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("newsletters:subscriber_list")
IMPORT = reverse("newsletters:subscriber_import")
SUPPRESSION = reverse("newsletters:suppression_list")


def _upload(text: str, name: str = "subscribers.csv") -> dict[str, object]:
    return {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")}


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, reverse("newsletters:subscriber_export"), SUPPRESSION])
def test_read_pages_by_role(url, staff_client, mayor_client, anonymous_client):
    assert staff_client.get(url).status_code == 200
    # Citizens' personal data: the mayor's office reads counts on the editions, not people.
    assert mayor_client.get(url).status_code == 403
    response = anonymous_client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mayor_cannot_import_or_suppress(mayor_client):
    assert mayor_client.get(IMPORT).status_code == 403
    response = mayor_client.post(SUPPRESSION, {"email": "x@mail.example", "reason": "bounced"})
    assert response.status_code == 403
    assert not Suppression.objects.exists()


def test_mayor_sees_no_subscriber_pages_in_the_menu(mayor_client):
    body = mayor_client.get(reverse("newsletters:edition_list")).content.decode()
    assert LIST not in body and SUPPRESSION not in body and IMPORT not in body


# --- List --------------------------------------------------------------------------------------


def test_list_filters_search_and_counts(staff_client):
    topic = ThemeFactory()
    SubscriberFactory(email="anna@mail.example", language="hu", topics=[topic])
    SubscriberFactory(email="bela@mail.example", status=Subscriber.Status.PENDING)
    SubscriberFactory(email="cili@mail.example", status=Subscriber.Status.UNSUBSCRIBED)
    response = staff_client.get(LIST)
    counts = {value: n for value, _label, n in response.context["status_counts"]}
    assert counts["active"] == 1 and counts["pending"] == 1 and counts["unsubscribed"] == 1
    assert response.context["total"] == 3

    def emails(query: str) -> list[str]:
        return [s.email for s in staff_client.get(f"{LIST}?{query}").context["subscribers"]]

    assert emails("status=pending") == ["bela@mail.example"]
    assert emails("language=hu") == ["anna@mail.example"]
    assert emails(f"topic={topic.pk}") == ["anna@mail.example"]
    assert emails("q=CILI") == ["cili@mail.example"]
    assert emails("ordering=email") == [
        "anna@mail.example",
        "bela@mail.example",
        "cili@mail.example",
    ]


@pytest.mark.parametrize(
    "query", ["page=abc", "page=9999", "status=bogus", "topic=x", "ordering=zz"]
)
def test_list_survives_a_malformed_query(staff_client, query):
    SubscriberFactory()
    assert staff_client.get(f"{LIST}?{query}").status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_list_query_count_does_not_grow(staff_client, django_assert_num_queries, rows):
    topics = [ThemeFactory(), ThemeFactory()]
    for _n in range(rows):
        SubscriberFactory(topics=topics)
    # session, user, user and group permissions, the user's groups (menu), counts per status,
    # page count, the page (consent text joined), its topics, the topic filter's choices (x2)
    with django_assert_num_queries(10):
        assert staff_client.get(LIST).status_code == 200


def test_export_is_csv_and_escapes_formulae(staff_client):
    SubscriberFactory(email="csv@mail.example", name='=HYPERLINK("http://evil")')
    response = staff_client.get(reverse("newsletters:subscriber_export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Email"
    assert rows[1][0] == "csv@mail.example"
    assert rows[1][1].startswith("'=")


def test_export_in_the_readers_language(staff_client):
    SubscriberFactory(email="hu@mail.example", language="hu", status=Subscriber.Status.ACTIVE)
    response = staff_client.get(reverse("newsletters:subscriber_export"), HTTP_ACCEPT_LANGUAGE="hu")
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = dict(zip(header, row, strict=True))
    assert cells["Nyelv"] == "magyar" and cells["Állapot"] == "Aktív"
    header, row = list(
        csv.reader(
            io.StringIO(
                staff_client.get(reverse("newsletters:subscriber_export")).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    cells = dict(zip(header, row, strict=True))
    assert cells["Language"] == "Hungarian" and cells["Status"] == "Active"


# --- Import ------------------------------------------------------------------------------------


def test_import_with_and_without_consent_evidence(staff_client, django_capture_on_commit_callbacks):
    topic = ThemeFactory()
    SubscriberFactory(email="known@mail.example")
    Suppression.objects.create(email_hash=email_hash("gone@mail.example"), reason="unsubscribed")
    text = (
        "email,name,language,topics,consent_evidence,consent_date\n"
        f"proven@mail.example,Pro,hu,{topic.name},Paper form at Budapest Days stand,2026-04-12\n"
        "unproven@mail.example,Un,en,,,\n"
        "known@mail.example,,en,,paper,\n"
        "gone@mail.example,,en,,paper,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(IMPORT, _upload(text))
    assert response.status_code == 302
    proven = Subscriber.objects.get(email="proven@mail.example")
    assert proven.status == Subscriber.Status.ACTIVE
    assert proven.consent_source == Subscriber.Source.IMPORT
    assert proven.consent_evidence == "Paper form at Budapest Days stand"
    assert proven.consent_at.date().isoformat() == "2026-04-12"
    assert list(proven.topics.all()) == [topic]
    assert proven.language == "hu"
    unproven = Subscriber.objects.get(email="unproven@mail.example")
    assert unproven.status == Subscriber.Status.PENDING
    assert [m.to for m in mail.outbox] == [["unproven@mail.example"]]
    assert "/newsletter/confirm/" in mail.outbox[0].body
    assert not Subscriber.objects.filter(email="gone@mail.example").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 subscribed" in messages[0] and "1 on the suppression list" in messages[0]


def test_import_is_all_or_nothing_with_errors_per_row(staff_client):
    text = (
        "email,name,language,topics,consent_evidence,consent_date\n"
        "good@mail.example,,en,,evidence,\n"
        "not-an-email,,en,,evidence,\n"
        "other@mail.example,,de,nosuchtopic,,12/04/2026\n"
        "good@mail.example,,en,,evidence,\n"
    )
    response = staff_client.post(IMPORT, _upload(text))
    assert response.status_code == 200
    errors = response.context["errors"]
    lines = {line for line, _message in errors}
    assert lines == {3, 4, 5}
    assert len([e for e in errors if e[0] == 4]) == 3  # language, topic, date
    assert not Subscriber.objects.exists()
    assert "Nothing was imported" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"name\nx\n", "a.csv"), (b"\xff\xfe\x00bad", "a.csv"), (b"email\na@b.example\n", "a.xlsx")],
)
def test_import_rejects_bad_files(staff_client, content, name):
    upload = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    response = staff_client.post(IMPORT, upload)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Subscriber.objects.exists()


# --- Suppression list --------------------------------------------------------------------------


def test_suppress_an_address_unsubscribes_it(staff_client):
    subscriber = SubscriberFactory(email="stop@mail.example")
    response = staff_client.post(
        SUPPRESSION, {"email": "Stop@mail.example", "reason": "complained"}
    )
    assert response.status_code == 302
    assert (
        Suppression.objects.get(email_hash=email_hash("stop@mail.example")).reason == "complained"
    )
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    page = staff_client.get(SUPPRESSION)
    counts = {value: n for value, _label, n in page.context["reason_counts"]}
    assert counts["complained"] == 1
    assert "stop@mail.example" not in page.content.decode()
    # Again: no duplicate.
    staff_client.post(SUPPRESSION, {"email": "stop@mail.example", "reason": "bounced"})
    assert Suppression.objects.count() == 1


def test_suppress_rejects_a_malformed_address(staff_client):
    response = staff_client.post(SUPPRESSION, {"email": "nope", "reason": "bounced"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_counts_per_status_and_per_reason(django_assert_num_queries):
    S, R = Subscriber.Status, Suppression.Reason
    for status in (S.ACTIVE, S.ACTIVE, S.PENDING):
        SubscriberFactory(status=status)
    for n, reason in enumerate((R.BOUNCED, R.BOUNCED, R.BOUNCED, R.ERASED)):
        Suppression.objects.create(email_hash=email_hash(f"gone{n}@mail.example"), reason=reason)
    with django_assert_num_queries(1):
        assert Subscriber.objects.status_counts() == {S.ACTIVE: 2, S.PENDING: 1}
    with django_assert_num_queries(1):
        assert Suppression.objects.reason_counts() == {R.BOUNCED: 3, R.ERASED: 1}
