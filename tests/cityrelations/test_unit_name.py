"""The unit's name is in the reader's language: pages, emails, the feed and the admin header
read ``UNIT_NAMES`` (UNIT_NAME_HU…), falling back to ``UNIT_NAME``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrelations.core.languages import unit_name
from cityrelations.core.mail import make_message

pytestmark = pytest.mark.django_db

NAMES = {"en": "Office of City Diplomacy", "hu": "Városdiplomáciai Iroda"}


@pytest.fixture(autouse=True)
def _names(settings):
    settings.UNIT_NAME = NAMES["en"]
    settings.UNIT_NAMES = dict(NAMES)


@pytest.mark.parametrize("language", ["en", "hu"])
def test_a_public_page_names_the_unit_in_the_readers_language(client, language):
    other = "hu" if language == "en" else "en"
    body = client.get(
        reverse("newsletters:subscribe"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert NAMES[language] in body and NAMES[other] not in body


@pytest.mark.parametrize("language", ["en", "hu"])
def test_an_email_names_the_unit_in_the_recipients_language(language):
    message = make_message(
        "subscribers/confirm",
        to=["reader@mail.example"],
        context={"confirm_url": "https://city.example/c/"},
        language=language,
    )
    html = message.alternatives[0][0]
    assert NAMES[language] in message.body and NAMES[language] in html


def test_a_language_without_a_name_of_its_own_reads_unit_name(settings):
    settings.UNIT_NAMES = {"en": NAMES["en"]}
    assert unit_name("hu") == NAMES["en"]


@pytest.mark.parametrize("language", ["en", "hu"])
def test_the_feed_and_the_admin_header_follow_the_language(client, admin_client, language):
    other = "hu" if language == "en" else "en"
    feed = client.get(reverse("newsletters:feed_language", args=[language])).content.decode()
    assert NAMES[language] in feed and NAMES[other] not in feed
    admin = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)
    assert f"City Relations — {NAMES[language]}" in admin.content.decode()
