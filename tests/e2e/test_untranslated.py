"""The checker the bilingual journeys run (tests/e2e/untranslated.py) finds what it should and
nothing else: on a page made for the purpose, and on its catalogue reading alone."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives

from .untranslated import assert_email_in, assert_page_in, foreign_messages, foreign_texts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_catalogue_reading():
    english = foreign_messages("hu")
    assert english.find("Save") == "Save"
    assert english.find("Email") == "Email"  # Hungarian writes "E-mail"
    assert english.find("A") is None  # the same in both languages (a letter in a list)
    assert english.find("Mentés") is None
    assert english.find("magyar") is None and english.find("English") is None  # language names
    filled = english.find("The partnership with Vienna, Austria was created.")
    assert filled == "The partnership with %(city)s was created."
    assert english.find("Decision recorded: Approved.") == "Decision recorded: %(status)s."
    hungarian = foreign_messages("en")
    assert hungarian.find("Mentés") == "Mentés"
    assert hungarian.find("Save") is None


HUNGARIAN_PAGE_WITH_ENGLISH = """
<html lang="hu"><head><title>Partnerkapcsolatok</title></head><body>
  <h1>Partnerkapcsolatok</h1>
  <p>Vienna, Budapest</p>
  <button aria-label="Close">×</button>
  <input placeholder="Search">
  <select><option>Mentés</option><option>Cancel</option></select>
  <div class="d-none"><a href="#">Log out</a></div>
  <p>The partnership with <strong>Vienna</strong> was created.</p>
  <input type="submit" value="Mentés">
  <script>const label = "Save";</script>
</body></html>
"""


def test_english_on_a_hungarian_page_is_listed(page):
    page.set_content(HUNGARIAN_PAGE_WITH_ENGLISH)
    found = foreign_texts(page, "hu")
    assert found == [
        "Close",
        "Search",
        "Cancel",
        "Log out",
        "'The partnership with Vienna was created.' "
        "(message 'The partnership with %(city)s was created.')",
    ]
    with pytest.raises(AssertionError, match="Cancel"):
        assert_page_in(page, "hu")


def test_a_page_in_the_wrong_language_fails_on_its_lang_attribute(page):
    page.set_content('<html lang="en"><body><p>Mentés</p></body></html>')
    with pytest.raises(AssertionError, match='lang="en"'):
        assert_page_in(page, "hu")
    with pytest.raises(AssertionError, match="Mentés"):
        assert_page_in(page, "en")


def test_english_in_a_hungarian_email_is_listed(page):
    message = EmailMultiAlternatives(
        subject="Hírlevél", body="Jó napot!\n\nUnsubscribe\n", to=["a@mail.example"]
    )
    message.attach_alternative('<html lang="hu"><body><p>Log out</p></body></html>', "text/html")
    with pytest.raises(AssertionError) as failure:
        assert_email_in(page, message, "hu")
    assert "Unsubscribe" in str(failure.value) and "Log out" in str(failure.value)
