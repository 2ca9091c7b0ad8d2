"""ESP tracking webhooks (anymail): verified bounces, complaints and unsubscribes suppress the
address; a request with bad credentials or a bad signature is refused and changes nothing.

Only the tracking route of the ESP in ``EMAIL_BACKEND`` is mounted, and only when a webhook
secret is set (cityrelations/esp.py): each test builds the URLconf for the ESP it posts to."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from newsletters.models import Subscriber, Suppression, email_hash
from tests.urlconf_support import load_urlconf

from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SECRET = "esp-hook:s3cret-pass"
SIGNING_KEY = "mailgun-signing-key"
POSTMARK_URL = "/anymail/postmark/tracking/"
MAILGUN_URL = "/anymail/mailgun/tracking/"


POSTMARK_BACKEND = "anymail.backends.postmark.EmailBackend"
MAILGUN_BACKEND = "anymail.backends.mailgun.EmailBackend"
ANYMAIL_SETTINGS = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


@pytest.fixture(autouse=True)
def postmark_routes(settings, monkeypatch):
    load_urlconf(settings, monkeypatch, EMAIL_BACKEND=POSTMARK_BACKEND, ANYMAIL=ANYMAIL_SETTINGS)


@pytest.fixture
def mailgun_routes(settings, monkeypatch):
    load_urlconf(settings, monkeypatch, EMAIL_BACKEND=MAILGUN_BACKEND, ANYMAIL=ANYMAIL_SETTINGS)


def _auth(secret: str = SECRET) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def _postmark(record_type: str, email: str, **extra) -> str:
    return json.dumps(
        {
            "RecordType": record_type,
            "Email": email,
            "Recipient": email,
            "MessageID": "abc",
            "ID": 42,
            **extra,
        }
    )


def _post(client, url, body, **headers):
    return client.post(url, data=body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("record", "extra", "status", "reason"),
    [
        ("Bounce", {"Type": "HardBounce", "TypeCode": 1}, "bounced", "bounced"),
        ("SpamComplaint", {"Type": "SpamComplaint", "TypeCode": 512}, "complained", "complained"),
        (
            "SubscriptionChange",
            {"SuppressSending": True, "SuppressionReason": "ManualSuppression"},
            "unsubscribed",
            "unsubscribed",
        ),
    ],
)
def test_a_verified_event_suppresses_the_subscriber(client, record, extra, status, reason):
    subscriber = SubscriberFactory(email="reader@mail.example")
    response = _post(
        client, POSTMARK_URL, _postmark(record, "Reader@Mail.example", **extra), **_auth()
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == status
    assert Suppression.objects.get(email_hash=email_hash("reader@mail.example")).reason == reason


def test_a_soft_bounce_does_not_suppress(client):
    subscriber = SubscriberFactory()
    body = _postmark("Bounce", subscriber.email, Type="SoftBounce", TypeCode=4096)
    assert _post(client, POSTMARK_URL, body, **_auth()).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not Suppression.objects.exists()


@pytest.mark.parametrize("headers", [{}, _auth("esp-hook:wrong")])
def test_bad_basic_auth_is_refused_and_changes_nothing(client, headers):
    subscriber = SubscriberFactory()
    body = _postmark("Bounce", subscriber.email, Type="HardBounce", TypeCode=1)
    response = _post(client, POSTMARK_URL, body, **headers)
    assert response.status_code in (400, 401, 403)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not Suppression.objects.exists()


def _mailgun(email: str, *, key: str = SIGNING_KEY) -> str:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return json.dumps(
        {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": {
                "event": "failed",
                "severity": "permanent",
                "recipient": email,
                "timestamp": float(timestamp),
                "reason": "bounce",
                "delivery-status": {"code": 550, "message": "No such mailbox"},
                "message": {"headers": {"message-id": "x@mail.example"}},
            },
        }
    )


@pytest.mark.usefixtures("mailgun_routes")
def test_a_signed_mailgun_bounce_suppresses(client):
    subscriber = SubscriberFactory()
    assert _post(client, MAILGUN_URL, _mailgun(subscriber.email), **_auth()).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.BOUNCED


@pytest.mark.usefixtures("mailgun_routes")
def test_a_forged_mailgun_signature_is_refused_even_with_good_basic_auth(client):
    subscriber = SubscriberFactory()
    body = _mailgun(subscriber.email, key="not-the-key")
    assert _post(client, MAILGUN_URL, body, **_auth()).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not Suppression.objects.exists()


def test_an_event_for_an_unknown_address_still_suppresses_it(client):
    body = _postmark("SpamComplaint", "stranger@mail.example", Type="SpamComplaint", TypeCode=512)
    assert _post(client, POSTMARK_URL, body, **_auth()).status_code == 200
    assert Suppression.objects.filter(email_hash=email_hash("stranger@mail.example")).exists()


def _assert_untouched(subscriber) -> None:
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert not Suppression.objects.exists()


def test_other_esps_and_inbound_routes_are_not_mounted(client):
    subscriber = SubscriberFactory()
    bounce = _postmark("Bounce", subscriber.email, Type="HardBounce", TypeCode=1)
    for url in (MAILGUN_URL, "/anymail/postmark/inbound/", "/anymail/sendgrid/tracking/"):
        assert _post(client, url, bounce, **_auth()).status_code == 404, url
    assert _post(client, MAILGUN_URL, _mailgun(subscriber.email), **_auth()).status_code == 404
    _assert_untouched(subscriber)


@pytest.mark.parametrize("headers", [{}, _auth("esp-hook:wrong")])
def test_without_a_secret_the_route_is_not_mounted(settings, monkeypatch, client, headers):
    """Anymail would accept an unauthenticated post (with a warning): so there is no route."""
    load_urlconf(settings, monkeypatch, EMAIL_BACKEND=POSTMARK_BACKEND, ANYMAIL={})
    subscriber = SubscriberFactory()
    body = _postmark("Bounce", subscriber.email, Type="HardBounce", TypeCode=1)
    assert _post(client, POSTMARK_URL, body, **headers).status_code == 404
    _assert_untouched(subscriber)


def test_smtp_mounts_no_webhook(settings, monkeypatch, client):
    load_urlconf(
        settings,
        monkeypatch,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ANYMAIL=ANYMAIL_SETTINGS,
    )
    subscriber = SubscriberFactory()
    body = _postmark("Bounce", subscriber.email, Type="HardBounce", TypeCode=1)
    assert _post(client, POSTMARK_URL, body, **_auth()).status_code == 404
    _assert_untouched(subscriber)
