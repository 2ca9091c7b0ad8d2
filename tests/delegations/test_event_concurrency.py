"""Registrations under real concurrency: threads with their own database connections, so the
event's row lock is what keeps the seats right (``transaction=True``: real commits)."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from delegations.bench.registrations import registration_rush
from delegations.models import Event, Registration
from delegations.registrations import confirm
from tests.delegations.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_people_taking_the_last_seat_at_once():
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)  # one seat left
    first, second = (
        RegistrationFactory(event=event, status="pending", confirmed_at=None) for _ in range(2)
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def take(registration: Registration) -> None:
        try:
            barrier.wait(timeout=10)
            confirm(registration=registration)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=take, args=(r,)) for r in (first, second)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not errors
    statuses = sorted(
        Registration.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "waitlisted"]
    assert event.registrations.holding_seat().count() == 2


def test_a_rush_of_30_for_10_seats_ends_with_exactly_10_confirmed():
    result = registration_rush(30, 10, threads=6)
    assert result.errors == []
    assert (result.confirmed, result.waitlisted, result.other) == (10, 20, 0)
    assert not Event.objects.filter(pk=result.event_id).exists()  # the bench cleans up


def test_the_bench_command_checks_the_seats(capsys):
    call_command("bench_registrations", n=12, capacity=5, threads=4)
    out = capsys.readouterr().out
    assert "confirmed 5, waitlisted 7" in out and "OK" in out
