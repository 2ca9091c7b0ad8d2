"""Browser fixtures: one headless Chromium per test session, a fresh page per test, and a
``login`` helper that signs in through the real login form.

Usage in a test::

    pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

    def test_something(page, live_server, login, staff_user):
        login(page, live_server, "staff")
        page.goto(live_server.url + "/partners/")

A journey that runs in every language parametrizes ``lang`` (the browser then asks for it with
Accept-Language), finds buttons and labels by ``t("Save")`` (the message in that language, from
the catalogue) or by ids, and calls ``assert_page_in(page, lang)`` (tests/e2e/untranslated.py)
on each page::

    @pytest.mark.parametrize("lang", ["en", "hu"])
    def test_journey(page, lang, t): ...
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from .axe import AxeCollector
from .axe import enabled as axe_enabled

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEFAULT_PASSWORD = "demo"  # tests/factories.UserFactory's password
TIMEOUT_MS = 20_000  # generous: the suite shares the machine with other work
NAVIGATION_TIMEOUT_MS = 30_000
# The browser's locale per site language: what its Accept-Language header asks for.
BROWSER_LOCALES = {"en": "en-GB", "hu": "hu-HU"}


@pytest.fixture
def lang() -> str:
    """The language the browser asks for; a test parametrizes it to run in another one."""
    return "en"


@pytest.fixture
def t(lang) -> Callable[..., str]:
    """``t("Save")``: the message in the browser's language, as the page should show it;
    ``t("%(n)s visits", n=2)`` fills in placeholders."""

    def _translate(message: str, **values: object) -> str:
        with translation.override(lang):
            text = translation.gettext(message)
        return text % values if values else text

    return _translate


@pytest.fixture
def page(browser, live_server, lang) -> Iterator[object]:
    """A fresh browser context (no cookies) per test, asking for ``lang``; console errors are
    collected on ``page.console_errors`` so a test can assert that no script failed (e.g. a CSP
    violation). axe-core checks every document the context loads (tests/e2e/axe.py); the test
    fails at teardown if one has an accessibility violation."""
    context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[lang])
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    axe = AxeCollector(context)
    if axe_enabled():
        axe.attach(live_server.url)
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]

    def on_console(msg) -> None:  # type: ignore[no-untyped-def]
        # Browsers ask for /favicon.ico on their own; its 404 is not the page's fault.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            page.console_errors.append(msg.text)  # type: ignore[attr-defined]

    page.on("console", on_console)
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))  # type: ignore[attr-defined]
    yield page
    axe.wait()
    context.close()
    if report := axe.report():
        pytest.fail(report, pytrace=False)


@pytest.fixture
def login() -> Callable[..., None]:
    """``login(page, live_server, username, password="demo")``: sign in through the login form
    (the user must exist, e.g. via the ``staff_user`` / ``mayor_user`` fixtures). Any earlier
    session in the page's context is logged out first by clearing its cookies. The form is
    found by ids, so it works in any language."""

    def _login(page, live_server, username: str, password: str = DEFAULT_PASSWORD) -> None:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/", wait_until="domcontentloaded")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("#main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            raise AssertionError(f"login as {username!r} failed: still on {page.url}")

    return _login
