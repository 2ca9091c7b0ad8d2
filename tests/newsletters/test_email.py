"""The newsletter email itself: both parts, RFC 8058 headers, our Message-ID, the subscriber's
language and links, sanitised content and nothing that tracks the reader."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.urls import reverse

from newsletters.rendering import build_message, list_id, render_edition
from newsletters.tokens import absolute_url, read_token

from .factories import EditionFactory, EditionItemFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(title="Budapest and the world, March")
    EditionItemFactory(
        edition=edition,
        title="Sister city visit from Vienna",
        body='<p>The mayor met <b>Vienna</b>.</p><script>alert(1)</script><img src="https://t.example/p.gif">',
    )
    EditionItemFactory(edition=edition, title="New C40 membership", body="")
    return edition


def _message(edition, subscriber):
    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    return build_message(edition=edition, subscriber=subscriber, connection=connection)


def test_headers_follow_rfc_8058_and_carry_our_message_id(edition, settings):
    settings.DEFAULT_FROM_EMAIL = "City Diplomacy Unit <news@budapest.example>"
    subscriber = SubscriberFactory()
    message = _message(edition, subscriber)
    parsed = message.message()

    assert re.fullmatch(
        r"<https?://[^<>]+/newsletter/unsubscribe/[^/<>]+/>", parsed["List-Unsubscribe"]
    )
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Id"] == list_id() == "City Diplomacy Unit <newsletter.budapest.example>"
    assert re.fullmatch(r"<[^@<>]+@budapest\.example>", parsed["Message-ID"])
    token = parsed["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert read_token(token, "unsubscribe") == subscriber
    message.send()
    assert mail.outbox[0].extra_headers["Message-ID"] == parsed["Message-ID"]


def test_both_parts_with_archive_and_preference_links(edition):
    subscriber = SubscriberFactory()
    message = _message(edition, subscriber)
    html = message.alternatives[0].content
    assert message.alternatives[0].mimetype == "text/html"
    archive = absolute_url(
        reverse("newsletters:edition_public", args=[edition.month.strftime("%Y-%m")])
    )
    for part in (message.body, html):
        assert "Sister city visit from Vienna" in part
        assert "New C40 membership" in part
        assert archive in part
    for part in (message.body, html):
        for purpose in ("preferences", "unsubscribe"):
            tokens = re.findall(rf"/newsletter/{purpose}/([^/\s\"]+)/", part)
            assert tokens, f"no {purpose} link"
            assert {read_token(token, purpose) for token in tokens} == {subscriber}
    assert "The mayor met Vienna." in message.body  # the text part has no markup
    assert "<b>" not in message.body


def test_no_script_no_images_no_tracking(edition):
    message = _message(edition, SubscriberFactory())
    html = message.alternatives[0].content
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "t.example" not in html
    assert "<b>Vienna</b>" in html  # sanitised, not stripped
    assert "<table" in html and 'style="' in html  # email layout with inline CSS


def test_each_subscriber_gets_their_own_links_from_one_cached_render(
    edition, django_assert_num_queries
):
    first, second = SubscriberFactory(language="en"), SubscriberFactory(language="en")
    _message(edition, first)
    with django_assert_num_queries(0):
        body = _message(edition, second).body
    tokens = re.findall(r"/newsletter/unsubscribe/([^/\s]+)/", body)
    assert {read_token(token, "unsubscribe") for token in tokens} == {second}


def test_the_template_speaks_the_subscribers_language(edition):
    english = _message(edition, SubscriberFactory(language="en")).alternatives[0].content
    hungarian = _message(edition, SubscriberFactory(language="hu")).alternatives[0].content
    assert '<html lang="en">' in english
    assert '<html lang="hu">' in hungarian


def test_a_test_copy_has_no_personal_links(edition):
    subject, text, html = render_edition(edition)
    assert "TEST" in subject
    assert "unsubscribe/" not in html and "preferences/" not in html
    assert "unsubscribe/" not in text
