"""One running production stack per test module (see stack.py), a headless Chromium, and the
stack's logs printed under any test that fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..conftest import EXPECT_TIMEOUT_MS
from .stack import Stack, running_stack

TIMEOUT_MS = 30_000  # the stack shares two cores with its own worker, beat and the browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    report = yield
    if report.failed:
        item.stash.setdefault(_FAILED, True)
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    extra_env = {
        # Sending 300 messages at production's 20 per second would take the module 15 s longer.
        "NEWSLETTER_RATE_PER_SECOND": "200",
    }  # STAFF_REQUIRE_2FA keeps production's default (on): every login passes the second step
    with running_stack(extra_env=extra_env) as running:
        yield running


@pytest.fixture(autouse=True)
def _print_logs_on_failure(request) -> Iterator[None]:  # type: ignore[no-untyped-def]
    yield
    if request.node.stash.get(_FAILED, False) and "stack" in request.fixturenames:
        print(request.getfixturevalue("stack").logs(tail=150))


@pytest.fixture(scope="module")
def browser(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The run's one Chromium (tests/conftest.py), with the stack's longer expect timeout."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    yield browser
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
