"""The production profile, run for real: gunicorn with debug off, a Celery worker and beat on
Redis, PostgreSQL and an SMTP server, started by the commands docker-compose.yml runs (see
stack.py), driven through headless Chromium.

The journey: staff log in (password, then a code from their authenticator app: the second
factor is on, as in production), add a partnership, submit a visit; the mayor's office approves it;
staff approve a newsletter edition and send it to a few hundred subscribers, and every one of
them receives it exactly once at the SMTP sink. No page logs a console error (the CSP is on).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from playwright.sync_api import Page, expect

from cityrelations.mfa.testing import totp_code_for_key

from .conftest import TIMEOUT_MS
from .data import MAYOR, NEWCOMER, STAFF
from .stack import ROOT

SUBSCRIBERS = 300
PASSWORD = secrets.token_urlsafe(16)
VISIT_TITLE = "Graz mayor's visit"
# One stack for the whole module: under pytest-xdist (make test) its tests share one worker.
pytestmark = pytest.mark.xdist_group("stack")


@pytest.fixture(scope="module")
def journey(stack) -> dict:  # type: ignore[no-untyped-def]
    return stack.data("journey", password=PASSWORD, subscribers=SUBSCRIBERS)


@pytest.fixture
def page(browser, stack) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A fresh context per test; every console error and failed script is collected."""
    context = browser.new_context(base_url=stack.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.visited = []  # type: ignore[attr-defined]

    def on_console(msg) -> None:  # type: ignore[no-untyped-def]
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            page.console_errors.append(f"{page.url}: {msg.text}")  # type: ignore[attr-defined]

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        if response.request.resource_type == "document":
            page.visited.append(response)  # type: ignore[attr-defined]

    page.on("console", on_console)
    page.on("pageerror", lambda exc: page.console_errors.append(f"{page.url}: {exc}"))  # type: ignore[attr-defined]
    page.on("response", on_response)
    yield page
    context.close()


TOTP_STEP = 30  # seconds: django-otp's TOTP window, as the devices in data.py have it
_accepted_windows: dict[str, int] = {}  # TOTP key -> the last window whose code was sent


def _second_factor_code(key: str) -> str:
    """A code the app accepts now. Each window's code is accepted once per device, and the app
    allows one window ahead: so the current window's code, or the next one's when the current
    one was used; else wait for a window. Never in a window's last seconds, so the server checks
    it in the same window (a code sent across a boundary makes the device count a clock drift)."""
    while True:
        now = time.time()
        window, elapsed = divmod(now, TOTP_STEP)
        wanted = max(int(window), _accepted_windows.get(key, -1) + 1)
        if elapsed < TOTP_STEP - 5 and wanted <= window + 1:
            _accepted_windows[key] = wanted
            return totp_code_for_key(key, step=wanted - int(window))
        time.sleep(TOTP_STEP - elapsed + 0.1)


def log_in(page: Page, username: str, totp_key: str, password: str = PASSWORD) -> None:
    """Sign in through the login form as a fresh visitor: the password, then the second step
    with a code from the user's authenticator app (``totp_key``, from the journey's data)."""
    _log_in_with_password(page, username, password)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.get_by_label("Code").fill(_second_factor_code(totp_key))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    if "/accounts/" in page.url or "/two-factor/" in page.url:
        raise AssertionError(f"login as {username!r} failed: still on {page.url}")


def _log_in_with_password(page: Page, username: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _menu(page: Page, menu: str, item: str) -> None:
    page.get_by_role("button", name=menu, exact=True).click()
    page.locator(".dropdown-menu.show").get_by_role("link", name=item, exact=True).click()


def _add_partnership(page: Page, city: int) -> None:
    page.goto(f"/partners/cities/{city}/")
    page.get_by_role("link", name="Add a partnership").click()
    expect(page.locator("#main input[name=city]")).to_have_value(str(city))
    page.locator("#id_level").select_option("sister")
    page.locator("#id_status").select_option("active")
    page.locator("#id_established_on").fill("2003-06-12")
    page.locator("#main form[method=post]").get_by_role("button", name="Save").click()
    expect(page.get_by_text("The partnership with Graz")).to_be_visible()


def _submit_visit(page: Page, city: int) -> None:
    start = dt.date.today() + dt.timedelta(days=40)
    _menu(page, "Delegations", "Visits")
    page.get_by_role("link", name="New visit").click()
    page.locator("#id_direction").select_option("incoming")
    page.locator("#id_title").fill(VISIT_TITLE)
    page.locator("#id_purpose").fill("Sign the partnership charter.")
    page.locator("#id_level").select_option("mayor")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start + dt.timedelta(days=1)).isoformat())
    page.locator("#id_cities").press_sequentially("Graz", delay=30)
    page.get_by_role("option", name=re.compile("Graz")).first.click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VISIT_TITLE)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("is now submitted")).to_be_visible()


def _approve_visit(page: Page) -> None:
    _menu(page, "Delegations", "Review queue")
    card_id = page.get_by_role("article", name=VISIT_TITLE).get_attribute("id")
    card = page.locator(f"#{card_id}")
    card.get_by_label("Comment").fill("Approved; book the Graz delegation's hotel.")
    card.get_by_role("button", name="Approve").click()
    expect(page.locator(f"#{card_id}")).to_contain_text("Decision recorded: Approved")


def _approve_and_send(page: Page, edition: int) -> None:
    page.goto(f"/newsletter/editions/{edition}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("is approved.")).to_be_visible()
    panel = page.get_by_role("region", name="Sending")
    expect(panel.get_by_text(f"{SUBSCRIBERS} active subscribers will receive it.")).to_be_visible()
    panel.get_by_role("button", name="Send now…").click()
    page.get_by_role("dialog", name="Send this edition now?").get_by_role(
        "button", name="Yes, send it now"
    ).click()
    expect(
        page.get_by_text(f"Sending started: {SUBSCRIBERS} subscribers are queued.")
    ).to_be_visible()
    # The worker sends while htmx polls the progress; the bar reaches the end on its own.
    expect(page.locator("[data-state=sent]")).to_be_visible(timeout=120_000)
    expect(page.locator("[data-count=sent]")).to_have_text(str(SUBSCRIBERS))


def _arrived(stack, addresses: list[str], timeout: float = 60) -> Counter[str]:  # type: ignore[no-untyped-def]
    wanted = set(addresses)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not wanted <= set(stack.sink.recipients()):
        time.sleep(0.2)
    time.sleep(2)  # a duplicate would come right behind
    return Counter(r for r in stack.sink.recipients().elements() if r in wanted)


def test_the_journey_through_gunicorn_celery_and_smtp(page, stack, journey):  # type: ignore[no-untyped-def]
    keys = journey["totp_keys"]
    log_in(page, STAFF, keys[STAFF])
    _add_partnership(page, journey["city"])
    _submit_visit(page, journey["city"])

    log_in(page, MAYOR, keys[MAYOR])
    _approve_visit(page)

    log_in(page, STAFF, keys[STAFF])
    _approve_and_send(page, journey["edition"])

    arrived = _arrived(stack, journey["subscribers"])
    assert set(arrived) == set(journey["subscribers"])
    assert set(arrived.values()) == {1}, "every subscriber gets the edition exactly once"
    subjects = {r.message["Subject"] for r in stack.sink.received if r.recipient in arrived}
    assert len(subjects) == 1 and subjects.pop().startswith(journey["edition_title"])

    state = stack.data(
        "state", city=journey["city"], edition=journey["edition"], visit_title=VISIT_TITLE
    )
    assert state == {
        "partnerships": [["sister", "active"]],
        "visit_status": "approved",
        "edition_status": "sent",
        "deliveries": {"sent": SUBSCRIBERS},
    }

    assert page.console_errors == []  # type: ignore[attr-defined]
    for response in page.visited:  # type: ignore[attr-defined]
        assert "default-src 'self'" in response.headers["content-security-policy"], response.url
    assert len(page.visited) >= 10  # type: ignore[attr-defined]


def test_staff_without_a_second_factor_can_only_set_one_up(page, journey):  # type: ignore[no-untyped-def]
    """The stack runs with production's STAFF_REQUIRE_2FA (on): a staff account with a password
    only reaches nothing but the page where a second factor is set up."""
    _log_in_with_password(page, NEWCOMER)
    expect(page).to_have_url(re.compile(r"/account/two-factor/"))
    expect(page.get_by_role("alert").first).to_contain_text("Your account needs a second factor")
    page.goto("/partners/")
    expect(page).to_have_url(re.compile(r"/account/two-factor/\?next=%2Fpartners%2F$"))
    expect(page.get_by_role("link", name="Set up an authenticator app")).to_be_visible()
    assert page.console_errors == []  # type: ignore[attr-defined]


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_healthz_reports_database_and_broker(stack):  # type: ignore[no-untyped-def]
    status, headers, body = _get(f"{stack.url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in headers["Cache-Control"]


def test_static_files_are_hashed_compressed_and_cached_for_ever(stack):  # type: ignore[no-untyped-def]
    _, _, html = _get(f"{stack.url}/accounts/login/")
    stylesheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+\.css)"', html.decode())
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]
    assert stylesheets and set(stylesheets) <= set(manifest.values())
    assert f"css/{Path(manifest['css/app.css']).name}" in stylesheets  # app.<hash>.css
    original = (ROOT / "static" / "css" / "app.css").read_bytes()
    url = f"{stack.url}/static/{manifest['css/app.css']}"
    for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        status, headers, body = _get(url, **{"Accept-Encoding": encoding})
        assert status == 200 and headers["Content-Encoding"] == encoding
        assert decompress(body) == original
        assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
        assert "Accept-Encoding" in headers["Vary"]
    # The unhashed name is served too, but only briefly cached: it changes with each release.
    status, headers, _ = _get(f"{stack.url}/static/css/app.css")
    assert status == 200 and "immutable" not in headers["Cache-Control"]


# One user per host: each login spends a TOTP window of that user's, and the journey has just
# spent the staff's; with two users neither test waits for the next window.
@pytest.mark.parametrize(("host", "username"), [("localhost", STAFF), ("127.0.0.1", MAYOR)])
def test_production_cookies_stay_secure_on_loopback_http(browser, stack, journey, host, username):  # type: ignore[no-untyped-def]
    """Chromium keeps Secure cookies from http://localhost and http://127.0.0.1 (both are
    secure contexts), so the stack runs with production's Secure cookies, not weakened ones."""
    context = browser.new_context(base_url=stack.url.replace("localhost", host))
    try:
        page = context.new_page()
        log_in(page, username, journey["totp_keys"][username])
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        assert any(name.endswith("sessionid") for name in cookies), cookies
        assert all(cookie["secure"] for cookie in cookies.values()), cookies
        assert all(
            cookie["httpOnly"] for name, cookie in cookies.items() if name.endswith("sessionid")
        )
    finally:
        context.close()
