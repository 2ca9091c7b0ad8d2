"""The password-reset form sends mail to an address a stranger types in: it is limited per
address and per client, like the subscribe form, and the answer never changes (it must not tell
whether an account exists, nor that a limit was reached)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, TestCase

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/password_reset/"
DONE = "/accounts/password_reset/done/"
OFFICE = "198.51.100.7"


def _reset(email: str, *, ip: str = OFFICE):
    # The email leaves from a task enqueued on commit: run what the request left on commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(URL, {"email": email}, REMOTE_ADDR=ip)


def test_one_address_gets_three_emails_an_hour_from_any_ip():
    user = UserFactory(email="ana@city.example")
    for n in range(8):
        response = _reset("Ana@City.example", ip=f"203.0.113.{n + 1}")
        # Always the same "check your inbox" answer.
        assert response.status_code == 302 and response["Location"] == DONE
    assert len(mail.outbox) == 3
    assert all(message.to == [user.email] for message in mail.outbox)
    # A tagged variant is the same inbox.
    assert _reset("ana+again@city.example", ip="203.0.113.50")["Location"] == DONE
    assert len(mail.outbox) == 3
    # Someone else still gets their link.
    UserFactory(email="bela@city.example")
    assert _reset("bela@city.example")["Location"] == DONE
    assert mail.outbox[-1].to == ["bela@city.example"]


def test_one_client_trying_many_addresses_is_limited(settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    for n in range(5):
        UserFactory(email=f"user{n}@city.example")
    for n in range(5):
        assert _reset(f"user{n}@city.example")["Location"] == DONE
    assert len(mail.outbox) == 3
    # Another client is not affected.
    assert _reset("user4@city.example", ip="203.0.113.9")["Location"] == DONE
    assert len(mail.outbox) == 4


def test_the_answer_is_the_same_for_unknown_addresses_and_over_the_limit(settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    UserFactory(email="known@city.example")
    answers = [
        _reset("nobody@city.example"),
        _reset("known@city.example"),
        _reset("known@city.example"),  # over the limit
    ]
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, DONE)}
    assert len(mail.outbox) == 1


def test_invalid_forms_do_not_count(settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    for _ in range(5):
        assert _reset("not-an-address").status_code == 200  # the form again, with its error
    UserFactory(email="ana@city.example")
    assert _reset("ana@city.example")["Location"] == DONE
    assert len(mail.outbox) == 1


def test_the_default_limits():
    from django.conf import settings

    assert settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 3
    assert settings.PASSWORD_RESET_ADDRESS_WINDOW_SECONDS == 3600
    assert settings.PASSWORD_RESET_LIMIT_PER_IP == 20
    assert settings.PASSWORD_RESET_IP_WINDOW_SECONDS == 600


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Forgotten your password?"), ("hu", "Elfelejtette a jelszavát?")],
)
def test_the_login_page_links_to_the_password_reset(language, label):
    page = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<a href="{URL}">{label}</a>' in page
