"""Attacks on the public registration (security review of issue 14), kept as regression tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from delegations.models import Registration
from delegations.registrations import make_token
from tests.delegations.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _confirm_url(registration: Registration) -> str:
    return reverse("delegations:registration_confirm", args=[make_token(registration, "confirm")])


@pytest.mark.parametrize("status", ["completed", "cancelled", "draft"])
def test_an_old_confirmation_link_takes_no_seat_once_the_event_is_over(
    client, status, django_capture_on_commit_callbacks
):
    """A pending registrant who confirms after the event was completed (or cancelled, or is
    no longer public) got a "seat is confirmed" email with the .ics for an event that is over."""
    event = EventFactory(capacity=10)
    registration = RegistrationFactory(event=event, status="pending")
    url = _confirm_url(registration)
    event.status = status
    event.save()
    assert client.get(url).status_code == 410
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 410
    assert "no longer takes registrations" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending"
    assert mail.outbox == []


def test_an_old_confirmation_link_takes_no_seat_after_the_event_ended(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    event = EventFactory(starts_at=now - dt.timedelta(days=2), ends_at=now - dt.timedelta(days=1))
    registration = RegistrationFactory(event=event, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_confirm_url(registration))
    assert response.status_code == 410
    registration.refresh_from_db()
    assert registration.status == "pending" and mail.outbox == []


def test_a_confirmation_link_still_works_after_registration_closed(client):
    """Closing registration stops new ones; someone who registered before may still confirm."""
    event = EventFactory(status="closed", capacity=10)
    registration = RegistrationFactory(event=event, status="pending")
    response = client.post(_confirm_url(registration))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_nobody_moves_up_from_the_waitlist_once_the_event_has_ended(
    client, django_capture_on_commit_callbacks
):
    """A seat freed after the event ended (a late cancellation from the link) moved the first
    waitlisted person up and emailed them "a seat is free for you" with the .ics of the past
    event."""
    now = timezone.now()
    event = EventFactory(
        status="closed",
        capacity=1,
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=1),
    )
    seated = RegistrationFactory(event=event, status="confirmed")
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlisted_at=now)
    manage = reverse("delegations:registration_manage", args=[make_token(seated, "manage")])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {"action": "cancel", "confirm": "yes"})
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == "cancelled"
    assert waiting.status == "waitlisted"
    assert mail.outbox == []


def test_a_control_character_in_a_public_form_does_not_break_the_xlsx_export(client, staff_client):
    """Anyone could type an ESC or BEL into their name on the public form: openpyxl refuses
    such characters, so the registrations' XLSX export answered 500 for the whole event."""
    import io

    from openpyxl import load_workbook

    from tests.delegations.test_event_registration import _post

    event = EventFactory()
    _post(client, event, email="ctl@example.org", name="Eve\x1b\x07 Smith", organization="\x1b=1+2")
    url = reverse("delegations:event_registrations_export", args=[event.pk])
    response = staff_client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][0] == "Eve Smith"
    assert rows[1][2] == "'=1+2"  # the formula check sees the text without the control character


def test_registering_again_after_cancelling_starts_without_the_old_check_in(client):
    """Anyone may register an address whose registration was cancelled (it starts over,
    pending): the old check-in stayed, so the new registration showed as already at the door."""
    from tests.delegations.test_event_registration import _post

    event = EventFactory(capacity=5)
    old = RegistrationFactory(
        event=event, email="anna@example.at", status="confirmed", checked_in_at=timezone.now()
    )
    manage = reverse("delegations:registration_manage", args=[make_token(old, "manage")])
    client.post(manage, {"action": "cancel", "confirm": "yes"})
    _post(client, event, email="anna@example.at", name="Someone Else")
    old.refresh_from_db()
    assert old.status == "pending"
    assert old.checked_in_at is None and old.confirmed_at is None
    response = client.post(_confirm_url(old))
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == "confirmed" and old.confirmed_at is not None and old.checked_in_at is None
