"""``make loadtest``'s users (run by tests/stack/loadtest.py against the production stack).

40 staff browse and search the partners and visits, 10 of the mayor's office work the review
queue and the calendar, 20 citizens subscribe and read the newsletter archive. Each citizen
connects from an address of its own on the loopback network (127.0.0.x), as separate people
would: the subscribe form is rate limited per address.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

PASSWORD = "demo"  # seed_demo's users (the load test's database is dropped afterwards)
STAFF_SEARCHES = ["Vienna", "Bench City 12", "Example", "tram", "Kraków", "youth", "Region 7"]
_citizen_numbers = itertools.count(2)
# Set by tests/stack/loadtest.py: the figures are reset once every user has logged in or
# subscribed (a deliberately slow password hash each), then measured for this many seconds.
MEASURE_SECONDS = float(os.environ.get("LOADTEST_MEASURE_SECONDS", "0"))
_arrived = itertools.count(1)
_started = time.monotonic()


def _in(user: HttpUser) -> None:
    """Called at the end of each user's on_start."""
    if next(_arrived) != sum(cls.fixed_count for cls in (StaffUser, MayorUser, Citizen)):
        return
    runner = user.environment.runner
    print(f"All users in after {time.monotonic() - _started:.0f} s; measuring.", flush=True)
    failed_so_far = dict(runner.stats.errors)  # logins that failed stay in the report
    runner.stats.reset_all()
    runner.stats.errors.update(failed_so_far)
    if MEASURE_SECONDS:
        gevent.spawn_later(MEASURE_SECONDS, runner.quit)


def _csrf_token(html: str | None) -> str:
    """The form's token (whatever the CSRF cookie is called, e.g. with a __Host- prefix)."""
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html or "")
    return match.group(1) if match else ""


def _ids(html: str, pattern: str) -> list[str]:
    return sorted(set(re.findall(pattern, html)))


_https_only = DefaultCookiePolicy.return_ok_secure


def _loopback_is_secure(policy, cookie, request) -> bool:  # type: ignore[no-untyped-def]
    """Send Secure cookies to http://localhost and 127.0.0.x, as browsers do (loopback is a
    secure context). Python's cookie jar keeps them for https only, so every POST would fail
    its CSRF check. Patched on the class: requests copies each session's jar into a new one
    with the default policy before every request."""
    host = urlsplit(request.get_full_url()).hostname or ""
    return host == "localhost" or host.startswith("127.") or _https_only(policy, cookie, request)


DefaultCookiePolicy.return_ok_secure = _loopback_is_secure  # type: ignore[method-assign]


class _Browser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        pass


class _LoggedIn(_Browser):
    abstract = True
    username = ""

    def on_start(self) -> None:
        super().on_start()
        form = self.client.get("/accounts/login/", name="login form")
        response = self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf_token(form.text),
            },
            name="login",
            catch_response=True,
        )
        with response:
            if "/accounts/login/" in response.url:
                response.failure(f"login as {self.username} failed")
        _in(self)

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/accounts/login/" in response.url:
                response.failure("sent back to the login page")
            return response.text or ""


class StaffUser(_LoggedIn):
    """The diplomacy unit: dashboard, partnerships, contacts, visits, search."""

    fixed_count = 40
    wait_time = between(1, 4)
    username = "staff"
    partnerships: list[str] = []
    visits: list[str] = []

    @task(3)
    def dashboard(self) -> None:
        self.page("/", "dashboard")

    @task(4)
    def partnership_list(self) -> None:
        html = self.page("/partners/?status=active&sort=-last_contact", "partnership list")
        self.partnerships = _ids(html, r"/partners/partnerships/(\d+)/") or self.partnerships

    @task(4)
    def partnership_detail(self) -> None:
        if self.partnerships:
            pk = random.choice(self.partnerships)
            self.page(f"/partners/partnerships/{pk}/", "partnership detail")

    @task(2)
    def contact_search(self) -> None:
        term = random.choice(STAFF_SEARCHES)
        self.page(f"/partners/contacts/?q={term}", "contact search")

    @task(3)
    def global_search(self) -> None:
        self.page(f"/search/?q={random.choice(STAFF_SEARCHES)}", "global search")

    @task(2)
    def visit_list(self) -> None:
        html = self.page("/delegations/", "visit list")
        self.visits = _ids(html, r"/delegations/visits/(\d+)/") or self.visits

    @task(2)
    def visit_detail(self) -> None:
        if self.visits:
            self.page(f"/delegations/visits/{random.choice(self.visits)}/", "visit detail")


class MayorUser(_LoggedIn):
    """The mayor's office: the review queue, the calendar, a visit now and then."""

    fixed_count = 10
    wait_time = between(2, 5)
    username = "mayor"
    visits: list[str] = []

    @task(4)
    def review_queue(self) -> None:
        html = self.page("/delegations/review/", "review queue")
        self.visits = _ids(html, r"/delegations/visits/(\d+)/") or self.visits

    @task(3)
    def calendar(self) -> None:
        self.page("/delegations/calendar/", "calendar")

    @task(1)
    def visit_detail(self) -> None:
        if self.visits:
            self.page(f"/delegations/visits/{random.choice(self.visits)}/", "visit detail")

    @task(1)
    def dashboard(self) -> None:
        self.page("/", "dashboard")


class _SourceAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Citizen(_Browser):
    """Subscribes once, then reads the archive, an edition and the feed."""

    fixed_count = 20
    wait_time = between(2, 6)
    months: list[str] = []

    def on_start(self) -> None:
        super().on_start()
        address = f"127.0.0.{next(_citizen_numbers)}"
        self.client.mount("http://", _SourceAddress(address))
        form = self.client.get("/newsletter/subscribe/", name="subscribe form")
        with self.client.post(
            "/newsletter/subscribe/",
            data={
                "email": f"citizen-{uuid.uuid4().hex[:12]}@mail.example",
                "name": "Load Test",
                "language": random.choice(["en", "hu"]),
                "consent": "on",
                "csrfmiddlewaretoken": _csrf_token(form.text),
            },
            name="subscribe",
            catch_response=True,
        ) as response:
            if "check-your-inbox" not in response.url:
                response.failure(f"not subscribed: {response.status_code} {response.url}")
        _in(self)

    @task(4)
    def archive(self) -> None:
        response = self.client.get("/newsletter/archive/", name="archive")
        self.months = (
            _ids(response.text or "", r"/newsletter/archive/(\d{4}-\d{2})/") or self.months
        )

    @task(4)
    def edition(self) -> None:
        if self.months:
            month = random.choice(self.months)
            self.client.get(f"/newsletter/archive/{month}/", name="archive edition")

    @task(1)
    def feed(self) -> None:
        self.client.get("/newsletter/archive/feed/", name="archive feed")

    @task(1)
    def subscribe_form(self) -> None:
        self.client.get("/newsletter/subscribe/", name="subscribe form")
