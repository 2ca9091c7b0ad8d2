"""The axe-core hook of tests/e2e/conftest.py finds a violation, with its rule, target and URL,
on a page served under a Content-Security-Policy like the app's, and misses no document when the
test moves on at once."""

from __future__ import annotations

import pytest

from .axe import AxeCollector

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSP = "default-src 'self'; script-src 'self'; style-src 'self'"
BAD = """<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
<h1>Bad</h1><button type="button"></button><a href="/axe-fixture/good">next</a></main></body></html>"""
GOOD = """<!doctype html><html lang="en"><head><title>Good</title></head><body><main>
<h1>Good</h1><p>Nothing wrong here.</p></main></body></html>"""


def _serve(route) -> None:  # type: ignore[no-untyped-def]
    body = BAD if route.request.url.endswith("/bad") else GOOD
    route.fulfill(
        status=200, body=body, headers={"Content-Type": "text/html", "Content-Security-Policy": CSP}
    )


def test_collector_reports_each_violation_with_rule_target_and_url(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.route("**/axe-fixture/*", _serve)  # before the collector's route, which falls back
    axe = AxeCollector(context)
    axe.attach(live_server.url)
    page = context.new_page()
    page.goto("/axe-fixture/bad")
    page.get_by_role("link", name="next").click()  # at once: the result is awaited, not lost
    page.wait_for_url("**/good")
    axe.wait()
    context.close()

    assert [result["url"] for result in axe.results] == [
        f"{live_server.url}/axe-fixture/bad",
        f"{live_server.url}/axe-fixture/good",
    ]
    assert ("button-name", "critical", "button", f"{live_server.url}/axe-fixture/bad") in (
        axe.violations()
    )
    assert not [row for row in axe.violations() if row[3].endswith("/good")]
    assert "button-name (critical): button  on " in axe.report()


def test_collector_runs_under_the_apps_csp(browser, live_server):
    """The app's own pages (with django-csp's header) are checked, and their scripts still run."""
    context = browser.new_context(base_url=live_server.url)
    axe = AxeCollector(context)
    axe.attach(live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    response = page.goto("/accounts/login/")
    assert "script-src" in response.headers["content-security-policy"]
    axe.wait()
    context.close()
    assert [result["url"] for result in axe.results] == [f"{live_server.url}/accounts/login/"]
    assert "error" not in axe.results[0]
    assert not errors
