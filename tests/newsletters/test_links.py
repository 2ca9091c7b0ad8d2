"""Links from emails: confirm (single-use), preferences, export, erase, one-click unsubscribe."""

from __future__ import annotations

import json
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from newsletters.models import Delivery, Subscriber, Suppression, email_hash
from newsletters.tokens import make_token

from .factories import EditionFactory, SubscriberFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _url(name: str, subscriber: Subscriber, purpose: str) -> str:
    return reverse(f"newsletters:{name}", args=[make_token(subscriber, purpose)])


# --- Confirm ----------------------------------------------------------------------------------


def test_confirm_get_changes_nothing_and_post_activates(client):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    url = _url("confirm", subscriber, "confirm")
    response = client.get(url)
    assert response.status_code == 200
    assert "Confirm my subscription" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    response = client.post(url)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.confirmed_at is not None


def test_confirm_link_is_single_use(client):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    url = _url("confirm", subscriber, "confirm")
    assert client.post(url).status_code == 200
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 410
        assert "already used" in response.content.decode()


def test_forged_confirm_token_is_400_and_changes_nothing(client):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    forged = signing.dumps({"s": subscriber.pk, "n": "x"}, salt="not-ours")
    for url in (reverse("newsletters:confirm", args=[forged]), "/newsletter/confirm/garbage/"):
        assert client.post(url).status_code == 400
    # A token for another purpose does not confirm either.
    assert (
        client.post(
            _url("unsubscribe", subscriber, "unsubscribe").replace("unsubscribe", "confirm", 1)
        ).status_code
        == 400
    )
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_expired_confirm_token_is_410(client):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING)
    fifteen_days_ago = time.time() - 15 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=fifteen_days_ago):
        url = _url("confirm", subscriber, "confirm")
    response = client.post(url)
    assert response.status_code == 410
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


# --- Preferences, export, erase ---------------------------------------------------------------


def test_preferences_change_language_and_topics(client):
    subscriber = SubscriberFactory()
    topic = ThemeFactory()
    url = _url("preferences", subscriber, "preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "New", "language": "hu", "topics": [topic.pk]})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert (subscriber.name, subscriber.language) == ("New", "hu")
    assert list(subscriber.topics.all()) == [topic]


def test_preferences_reject_multiline_name(client):
    subscriber = SubscriberFactory(name="Kept")
    url = _url("preferences", subscriber, "preferences")
    response = client.post(url, {"name": "A\r\nB", "language": "en"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.name == "Kept"


def test_preferences_with_a_bad_token(client):
    assert client.get("/newsletter/preferences/nope/").status_code == 400


def test_export_data_is_json_with_everything(client):
    topic = ThemeFactory()
    subscriber = SubscriberFactory(email="me@mail.example", name="Me", topics=[topic])
    edition = EditionFactory(status="sent")
    Delivery.objects.create(edition=edition, subscriber=subscriber, status="sent")
    response = client.get(_url("export_data", subscriber, "preferences"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "me@mail.example"
    assert data["name"] == "Me"
    assert data["topics"] == [topic.name]
    assert data["consent"]["ip"] == "192.0.2.10"
    assert data["deliveries"][0]["edition"] == edition.title
    assert data["history"][0]["change"] == "+"


def test_erase_asks_first_then_removes_everything_but_a_hash(client):
    subscriber = SubscriberFactory(email="bye@mail.example")
    subscriber.name = "Changed"
    subscriber.save()
    Delivery.objects.create(edition=EditionFactory(), subscriber=subscriber)
    history = Subscriber.history.model.objects
    assert history.filter(id=subscriber.pk).count() == 2
    url = _url("erase", subscriber, "preferences")
    assert client.get(url).status_code == 200
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    response = client.post(url)
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not Delivery.objects.exists()
    assert not history.filter(id=subscriber.pk).exists()
    assert not history.filter(email="bye@mail.example").exists()
    assert Suppression.objects.get(email_hash=email_hash("bye@mail.example")).reason == "erased"
    # The old links no longer work.
    assert client.get(url).status_code == 400


# --- Unsubscribe ------------------------------------------------------------------------------


def test_unsubscribe_get_shows_one_button_and_changes_nothing(client):
    subscriber = SubscriberFactory()
    response = client.get(_url("unsubscribe", subscriber, "unsubscribe"))
    assert response.status_code == 200
    # One button in the page's content; the header's language switch is the page's frame.
    main = response.content.decode().split('<main id="main"', 1)[1]
    assert main.count('type="submit"') == 1
    assert 'id="language-switch"' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_one_click_post_without_csrf_or_cookie(client):
    subscriber = SubscriberFactory(email="one@mail.example")
    url = _url("unsubscribe", subscriber, "unsubscribe")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    first_time = subscriber.unsubscribed_at
    assert Suppression.objects.get(email_hash=email_hash("one@mail.example")).reason == (
        "unsubscribed"
    )
    # Idempotent.
    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == first_time
    assert Suppression.objects.count() == 1


def test_unsubscribe_with_a_forged_token(client):
    response = Client(enforce_csrf_checks=True).post("/newsletter/unsubscribe/forged/")
    assert response.status_code == 400


def test_pages_from_an_email_speak_the_subscribers_language(client):
    subscriber = SubscriberFactory(language="hu")
    url = _url("unsubscribe", subscriber, "unsubscribe")
    assert "Leiratkozás a hírlevélről" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"  # chosen with the language switcher
    assert "Unsubscribe from the newsletter" in client.get(url).content.decode()


def test_saving_a_new_language_answers_in_it(client):
    subscriber = SubscriberFactory(language="en")
    url = _url("preferences", subscriber, "preferences")
    response = client.post(url, {"name": "", "language": "hu"}, follow=True)
    body = response.content.decode()
    assert "Beállításait elmentettük." in body
    assert "Hírlevél-beállításai" in body


# --- Each token opens only the pages of its purpose -------------------------------------------


@pytest.mark.parametrize("purpose", ["unsubscribe", "confirm"])
def test_a_token_for_another_purpose_opens_no_preferences_export_or_erase_page(client, purpose):
    subscriber = SubscriberFactory(email="kept@mail.example", name="Kept")
    token = make_token(subscriber, purpose)
    pages = [
        ("get", reverse("newsletters:preferences", args=[token]), {}),
        ("post", reverse("newsletters:preferences", args=[token]), {"name": "X", "language": "hu"}),
        ("get", reverse("newsletters:export_data", args=[token]), {}),
        ("get", reverse("newsletters:erase", args=[token]), {}),
        ("post", reverse("newsletters:erase", args=[token]), {}),
    ]
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert response.status_code == 400, f"{method.upper()} {url}"
        assert b"kept@mail.example" not in response.content
    subscriber.refresh_from_db()
    assert (subscriber.name, subscriber.language) == ("Kept", "en")


@pytest.mark.parametrize("purpose", ["preferences", "confirm"])
def test_a_token_for_another_purpose_does_not_unsubscribe(client, purpose):
    subscriber = SubscriberFactory()
    url = reverse("newsletters:unsubscribe", args=[make_token(subscriber, purpose)])
    for method in (client.get, client.post):
        assert method(url).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not Suppression.objects.exists()


def test_each_page_accepts_its_own_purpose(client):
    """The other side of the two tests above: the same pages open with the right token."""
    subscriber = SubscriberFactory()
    preferences = make_token(subscriber, "preferences")
    for name in ("preferences", "export_data", "erase"):
        assert client.get(reverse(f"newsletters:{name}", args=[preferences])).status_code == 200
    unsubscribe = make_token(subscriber, "unsubscribe")
    assert client.get(reverse("newsletters:unsubscribe", args=[unsubscribe])).status_code == 200
