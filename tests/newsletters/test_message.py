"""The newsletter email itself: both parts, RFC 8058 headers, our Message-ID, the subscriber's
language and links, sanitised content and nothing that tracks the reader."""

from __future__ import annotations

import email
import email.message
import email.policy
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.message import sanitize_address
from django.urls import reverse

from newsletters.sending.message import build_message, list_id, render_edition
from newsletters.sending.raw import _header_line, build_raw_message
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
    archive += f"?lang={subscriber.language}"
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
    # The web version opens in the subscriber's language, not their browser's.
    page = reverse("newsletters:edition_public", args=[edition.month.strftime("%Y-%m")])
    assert f'href="{absolute_url(page)}?lang=hu"' in hungarian
    assert f'href="{absolute_url(page)}?lang=en"' in english


def test_a_test_copy_has_no_personal_links(edition):
    subject, text, html = render_edition(edition)
    assert "TEST" in subject
    assert "unsubscribe/" not in html and "preferences/" not in html
    assert "unsubscribe/" not in text


# --- The fast path: the same message assembled as bytes ------------------------------------------

_VARYING = {"Date", "Message-ID"}  # and the multipart boundary, compared below without it


def _parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def _headers(message: email.message.Message) -> list[tuple[str, str]]:
    return [(name, str(value)) for name, value in message.items() if name not in _VARYING]


@pytest.mark.parametrize(
    ("language", "name", "address"),
    [
        ("en", "Plain Reader", "reader@mail.example"),
        ("hu", "Őry Zsófia Ágnes", "zsofia.ory+hirlevel@posta.example.hu"),
        ("en", "Łukasz Żółć", "l.zolc@mail.example"),
    ],
)
def test_the_raw_message_is_the_message_django_builds(edition, language, name, address):
    subscriber = SubscriberFactory(language=language, name=name, email=address)
    with mock.patch("django.core.signing.time.time", return_value=1_800_000_000):
        slow = build_message(edition=edition, subscriber=subscriber, connection=None)
        slow_raw = slow.message().as_bytes(linesep="\r\n")
        raw = build_raw_message(edition=edition, subscriber=subscriber)
    assert raw is not None
    assert (raw.sender, raw.recipient) == (sanitize_address(slow.from_email, "utf-8"), address)
    fast, expected = _parsed(raw.data), _parsed(slow_raw)

    assert [name for name, _ in fast.items()] == [name for name, _ in expected.items()]
    boundary = re.compile(r'boundary="[^"]+"')
    assert [(n, boundary.sub("", v)) for n, v in _headers(fast)] == [
        (n, boundary.sub("", v)) for n, v in _headers(expected)
    ]
    assert fast["Message-ID"] == f"{raw.message_id}" != expected["Message-ID"]
    parts = [(p.get_content_type(), p["Content-Transfer-Encoding"]) for p in fast.iter_parts()]
    assert parts == [("text/plain", "8bit"), ("text/html", "8bit")]
    for got, want in zip(fast.iter_parts(), expected.iter_parts(), strict=True):
        assert _headers(got) == _headers(want)
        assert got.get_content() == want.get_content()
    html = fast.get_body(("html",)).get_content()
    assert f'<html lang="{language}">' in html
    token = fast["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    assert read_token(token, "unsubscribe") == subscriber
    # Byte for byte, apart from what differs between any two messages.
    varying = re.compile(rb"(Date|Message-ID): (\r\n )?[^\r]*|={15}\d+==")
    assert varying.sub(b"", raw.data) == varying.sub(b"", slow_raw)


def test_each_raw_message_has_its_own_links_and_message_id(edition):
    first, second = SubscriberFactory(language="hu"), SubscriberFactory(language="hu")
    one = build_raw_message(edition=edition, subscriber=first)
    two = build_raw_message(edition=edition, subscriber=second)
    assert one and two and one.message_id != two.message_id
    for raw, subscriber in ((one, first), (two, second)):
        text = _parsed(raw.data).get_body(("plain",)).get_content()
        for purpose in ("preferences", "unsubscribe"):
            tokens = re.findall(rf"/newsletter/{purpose}/([^/\s\"]+)/", text)
            assert tokens and {read_token(t, purpose) for t in tokens} == {subscriber}


@pytest.mark.parametrize("address", ["olvaso@bücher.example", '"quoted"@mail.example'])
def test_an_address_django_would_rewrite_takes_the_slow_path(edition, address):
    assert build_raw_message(edition=edition, subscriber=SubscriberFactory(email=address)) is None


def test_a_line_too_long_for_8bit_takes_the_slow_path(edition):
    EditionItemFactory(edition=edition, title="Long", body="<p>" + "x" * 1200 + "</p>")
    assert build_raw_message(edition=edition, subscriber=SubscriberFactory()) is None


@pytest.mark.parametrize("name", ["To", "Message-ID", "List-Unsubscribe"])
def test_header_lines_fold_as_the_email_package_folds_them(name):
    compat32 = email.policy.compat32.clone(linesep="\r\n")
    for length in range(1, 300):
        value = f"<https://example.org/{'a' * length}:b-c_d/>"
        assert _header_line(name, value) == compat32.fold_binary(name, value)
