"""Suppressed addresses: a bounce or a complaint stops every email (a subscription confirmation
included) without the public page showing any difference; only the diplomacy unit lifts such a
suppression, with a reason, confirmed and recorded."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from newsletters.emails import send_already_subscribed_email, send_confirmation_email
from newsletters.models import Subscriber, Suppression, SuppressionLift, email_hash
from newsletters.tokens import make_token

from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("newsletters:subscribe")
LIFT = reverse("newsletters:suppression_lift")
SUPPRESSION = reverse("newsletters:suppression_list")
BLOCKING = [Suppression.Reason.BOUNCED, Suppression.Reason.COMPLAINED]


def _subscribe(client, email: str):
    payload = {"email": email, "name": "", "language": "en", "consent": "on"}
    return client.post(SUBSCRIBE, payload)


def _page(client, url: str) -> str:
    """The page without what differs on every response (the CSP nonce, the CSRF token)."""
    body = client.get(url).content.decode()
    return re.sub(r'nonce="[^"]*"|value="[^"]*"|"X-CSRFToken": "[^"]*"', "", body)


def _suppress(email: str, reason: str) -> Suppression:
    return Suppression.objects.create(email_hash=email_hash(email), reason=reason)


# --- No email of any kind -----------------------------------------------------------------------


@pytest.mark.parametrize("reason", BLOCKING)
@pytest.mark.parametrize("status", ["bounced", "complained", "active", "unsubscribed", None])
def test_subscribing_a_bounced_or_complained_address_sends_nothing_and_looks_the_same(
    client, django_capture_on_commit_callbacks, reason, status
):
    if status is not None:
        SubscriberFactory(email="gone@mail.example", status=status)
    _suppress("gone@mail.example", reason)
    with django_capture_on_commit_callbacks(execute=True):
        blocked = _subscribe(client, "Gone@Mail.example")
    assert mail.outbox == []
    # Nothing changes either: no pending row with consent that could never be confirmed.
    if status is None:
        assert not Subscriber.objects.exists()
    else:
        assert Subscriber.objects.get().status == status
    assert Suppression.objects.get().reason == reason

    with django_capture_on_commit_callbacks(execute=True):
        fresh = _subscribe(client, "someone.new@mail.example")
    assert len(mail.outbox) == 1
    assert (blocked.status_code, blocked["Location"]) == (fresh.status_code, fresh["Location"])
    assert _page(client, blocked["Location"]) == _page(client, fresh["Location"])


@pytest.mark.parametrize("reason", BLOCKING)
def test_no_path_mails_a_blocked_address(reason):
    subscriber = SubscriberFactory(email="bounced@mail.example", status="pending")
    _suppress("bounced@mail.example", reason)
    send_confirmation_email(subscriber)
    send_already_subscribed_email(subscriber)
    assert mail.outbox == []


@pytest.mark.parametrize("reason", [Suppression.Reason.UNSUBSCRIBED, Suppression.Reason.ERASED])
def test_after_an_unsubscribe_or_erasure_the_person_may_subscribe_again(
    client, django_capture_on_commit_callbacks, reason
):
    _suppress("back@mail.example", reason)
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "back@mail.example")
    assert len(mail.outbox) == 1 and "/newsletter/confirm/" in mail.outbox[0].body


@pytest.mark.parametrize("reason", BLOCKING)
def test_an_old_confirmation_link_does_not_lift_a_bounce_or_complaint(client, reason):
    subscriber = SubscriberFactory(email="old@mail.example", status="pending")
    link = reverse("newsletters:confirm", args=[make_token(subscriber, "confirm")])
    _suppress("old@mail.example", reason)
    client.post(link)
    assert Suppression.objects.filter(email_hash=email_hash("old@mail.example")).exists()


# --- Lifting (diplomacy unit only, with a reason, confirmed, recorded) -------------------------


def test_only_the_diplomacy_unit_may_lift(mayor_client, anonymous_client):
    _suppress("x@mail.example", "bounced")
    data = {"email": "x@mail.example", "reason": "fixed", "confirmed": "yes"}
    assert mayor_client.get(LIFT).status_code == 403
    assert mayor_client.post(LIFT, data).status_code == 403
    assert anonymous_client.post(LIFT, data).status_code == 302
    assert Suppression.objects.count() == 1
    assert not SuppressionLift.objects.exists()


def test_lifting_asks_for_confirmation_then_records_who_when_and_why(
    staff_client, staff_user, client, django_capture_on_commit_callbacks
):
    SubscriberFactory(email="fixed@mail.example", status="bounced")
    suppression = _suppress("fixed@mail.example", "bounced")
    assert reverse("newsletters:suppression_lift") in staff_client.get(SUPPRESSION).content.decode()
    assert staff_client.get(LIFT).status_code == 200

    data = {"email": "Fixed@mail.example", "reason": "Mailbox is working again (phone call)."}
    response = staff_client.post(LIFT, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="confirmed" value="yes"' in body
    assert "Mailbox is working again" in body
    assert Suppression.objects.filter(pk=suppression.pk).exists()  # nothing yet

    response = staff_client.post(LIFT, {**data, "confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == SUPPRESSION
    assert not Suppression.objects.exists()
    lift = SuppressionLift.objects.get()
    assert lift.lifted_by == staff_user and lift.lifted_by_name == "staff"
    assert lift.reason == "Mailbox is working again (phone call)."
    assert lift.suppression_reason == "bounced"
    assert lift.email_hash == email_hash("fixed@mail.example")
    assert lift.lifted_at and lift.suppressed_at == suppression.created_at
    page = staff_client.get(SUPPRESSION).content.decode()
    assert "Mailbox is working again (phone call)." in page and "fixed@mail.example" not in page
    # The subscriber keeps their status; the person can now subscribe again and is mailed.
    assert Subscriber.objects.get().status == "bounced"
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "fixed@mail.example")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "held@mail.example", "reason": ""}, "reason"),
        ({"email": "held@mail.example", "reason": "   "}, "reason"),
        ({"email": "not-suppressed@mail.example", "reason": "why"}, "email"),
        ({"email": "left@mail.example", "reason": "why"}, "email"),  # unsubscribed: not ours
        ({"email": "nope", "reason": "why"}, "email"),
    ],
)
def test_lifting_needs_a_reason_and_a_bounced_or_complained_address(staff_client, data, field):
    _suppress("held@mail.example", "complained")
    _suppress("left@mail.example", "unsubscribed")
    response = staff_client.post(LIFT, {**data, "confirmed": "yes"})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Suppression.objects.count() == 2
    assert not SuppressionLift.objects.exists()
