"""Consent evidence: the statement is kept exactly as the person was shown it (version and
language), and their data export shows that, not today's wording or translation."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils.html import escape

from newsletters.models import ConsentText, Subscriber
from newsletters.tokens import make_token

pytestmark = pytest.mark.django_db

URL = reverse("newsletters:subscribe")


def _export(client, subscriber: Subscriber) -> dict:
    token = make_token(subscriber, "preferences")
    return json.loads(client.get(reverse("newsletters:export_data", args=[token])).content)


def test_the_export_shows_the_hungarian_text_as_shown_after_it_is_reworded(client):
    consent = ConsentText.objects.get()
    shown_hu = consent.text_hu
    client.post("/i18n/setlang/", {"language": "hu", "next": URL})
    assert escape(shown_hu) in client.get(URL).content.decode()
    # Shown in Hungarian; the newsletter itself is wanted in English.
    payload = {"email": "anna@mail.example", "language": "en", "consent": "on"}
    assert client.post(URL, payload).status_code == 302
    subscriber = Subscriber.objects.get()
    assert (subscriber.consent_version, subscriber.consent_language) == (consent.version, "hu")
    assert subscriber.consent_text_shown == shown_hu

    # Later the statement is retranslated and reworded under the same version.
    consent.text_hu = "Új, átfogalmazott hozzájárulási szöveg."
    consent.text_en = "A reworded consent statement."
    consent.save()

    data = _export(client, subscriber)["consent"]
    assert data["text"] == shown_hu
    assert data["text_language"] == "hu"
    assert data["text_version"] == consent.version
    assert "átfogalmazott" not in json.dumps(data, ensure_ascii=False)


def test_an_english_page_records_the_english_text(client):
    consent = ConsentText.objects.get()
    payload = {"email": "ben@mail.example", "language": "hu", "consent": "on"}
    client.post(URL, payload, HTTP_ACCEPT_LANGUAGE="en")
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_language == "en"
    assert subscriber.consent_text_shown == consent.text_en
    assert _export(client, subscriber)["consent"]["text"] == consent.text_en


def test_subscribing_again_records_the_text_shown_that_time(client):
    consent = ConsentText.objects.get()
    payload = {"email": "cili@mail.example", "language": "en", "consent": "on"}
    client.post(URL, payload, HTTP_ACCEPT_LANGUAGE="en")
    newer = ConsentText.objects.create(version="2027-01", text_en="Newer.", text_hu="Újabb.")
    client.post(URL, payload, HTTP_ACCEPT_LANGUAGE="en")  # still pending: a fresh consent
    subscriber = Subscriber.objects.get()
    assert (subscriber.consent_version, subscriber.consent_text_shown) == ("2027-01", "Newer.")
    assert subscriber.consent_text == newer != consent
