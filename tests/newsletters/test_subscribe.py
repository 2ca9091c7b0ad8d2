"""The public subscribe form: double opt-in, the same answer for every address, honeypot and
validation (the rate limits are in test_subscribe_limits.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from newsletters.models import ConsentText, Subscriber, Suppression, email_hash

from .factories import SubscriberFactory, ThemeFactory

pytestmark = pytest.mark.django_db

URL = "/newsletter/subscribe/"


def _post(client, **data):
    payload = {"email": "new@mail.example", "name": "Anna", "language": "en", "consent": "on"}
    payload.update(data)
    return client.post(URL, payload, REMOTE_ADDR=data.pop("ip", "198.51.100.7"))


def _confirm_link(message) -> str:
    match = re.search(r"https?://\S+/newsletter/confirm/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_url_name_and_page(client):
    assert reverse("newsletters:subscribe") == URL
    response = client.get(URL)
    assert response.status_code == 200
    consent = ConsentText.objects.first()
    assert consent is not None  # created by the data migration
    assert escape(consent.text_en) in response.content.decode()
    assert 'name="website"' in response.content.decode()


def test_new_address_gets_a_confirmation_and_is_pending(client, django_capture_on_commit_callbacks):
    topic = ThemeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, topics=[topic.pk])
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:subscribe_done")
    subscriber = Subscriber.objects.get(email="new@mail.example")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_ip == "198.51.100.7"
    assert subscriber.consent_source == Subscriber.Source.WEB
    assert subscriber.consent_text == ConsentText.objects.first()
    assert subscriber.consent_at is not None
    assert list(subscriber.topics.all()) == [topic]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@mail.example"]
    assert "confirm" in message.subject.lower()
    assert "/newsletter/confirm/" in _confirm_link(message)
    assert message.alternatives and "text/html" in message.alternatives[0][1]


def test_hungarian_subscriber_gets_a_hungarian_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, language="hu")
    assert mail.outbox[0].subject == "Kérjük, erősítse meg hírlevél-feliratkozását"


def test_active_address_gets_already_subscribed_email_and_same_answer(
    client, django_capture_on_commit_callbacks
):
    active = SubscriberFactory(email="known@mail.example", name="Old name")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, email="KNOWN@mail.example", name="Intruder")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:subscribe_done")
    active.refresh_from_db()
    assert active.status == Subscriber.Status.ACTIVE
    assert active.name == "Old name"
    assert len(mail.outbox) == 1
    assert "already subscribed" in mail.outbox[0].subject
    assert "/newsletter/preferences/" in mail.outbox[0].body
    assert "/newsletter/confirm/" not in mail.outbox[0].body


def test_the_answer_page_is_identical_for_known_and_unknown(client):
    SubscriberFactory(email="known@mail.example")
    known = client.get(_post(client, email="known@mail.example")["Location"])
    unknown = client.get(_post(client, email="unknown@mail.example")["Location"])
    csrf = re.compile(rb"[A-Za-z0-9]{64}")  # the page's CSRF token differs on every render
    assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)


def test_pending_address_gets_a_new_link_that_voids_the_old_one(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client)
    first, second = (_confirm_link(m) for m in mail.outbox)
    assert Subscriber.objects.filter(email="new@mail.example").count() == 1
    assert client.post(first).status_code == 410
    assert client.post(second).status_code == 200


def test_suppressed_address_may_re_consent_and_the_suppression_goes_on_confirm(
    client, django_capture_on_commit_callbacks
):
    Suppression.objects.create(email_hash=email_hash("gone@mail.example"), reason="erased")
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, email="gone@mail.example")
    assert Suppression.objects.filter(email_hash=email_hash("gone@mail.example")).exists()
    client.post(_confirm_link(mail.outbox[0]))
    assert Subscriber.objects.get(email="gone@mail.example").status == "active"
    assert not Suppression.objects.filter(email_hash=email_hash("gone@mail.example")).exists()


def test_unsubscribed_address_subscribing_again_needs_confirmation(
    client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="back@mail.example", status=Subscriber.Status.UNSUBSCRIBED)
    Suppression.objects.create(email_hash=email_hash("back@mail.example"), reason="unsubscribed")
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, email="back@mail.example")
    subscriber = Subscriber.objects.get(email="back@mail.example")
    assert subscriber.status == Subscriber.Status.PENDING
    assert "/newsletter/confirm/" in mail.outbox[0].body


def test_honeypot_pretends_success_and_stores_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletters:subscribe_done")
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Eve\r\nBcc: victim@mail.example"),
        ("name", "Eve\nline"),
        ("name", "x" * 121),
        ("email", "not-an-address"),
        ("email", "a@b.example\nBcc: victim@mail.example"),
        ("email", "x" * 250 + "@mail.example"),
        ("language", "de"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(client, field, value):
    response = _post(client, **{field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_consent_box_is_required(client):
    response = _post(client, consent="")
    assert response.status_code == 200
    assert response.context["form"].errors["consent"]
    assert not Subscriber.objects.exists()


def test_form_in_hungarian(client):
    client.post("/i18n/setlang/", {"language": "hu", "next": URL})
    response = client.get(URL)
    body = response.content.decode()
    assert "Feliratkozás" in body
    assert escape(ConsentText.objects.first().text_hu) in body
