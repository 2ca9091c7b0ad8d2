"""A follow-up task in a real browser, in each language: added from a visit's report, found in
"my tasks", listed in the morning's reminder digest (read in the local mailbox), and marked done
in place (htmx, no page load)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cityrelations.core.models import AccountSettings
from delegations.models import Visit
from partners.models import Task
from partners.reminders import reminder_digests_send
from tests.delegations.factories import VisitFactory
from tests.urlconf_support import load_urlconf

from .untranslated import assert_page_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _embedded_mode(settings, monkeypatch, live_server):
    load_urlconf(
        settings, monkeypatch, DEBUG=True, EMAIL_BACKEND="cityrelations.mailbox.MailboxBackend"
    )
    settings.SITE_URL = live_server.url


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_a_follow_up_from_a_visit_report_is_a_task_in_my_list_and_the_digest(
    page, live_server, login, staff_user, lang, t
):
    AccountSettings.objects.create(user=staff_user, language=lang)
    today = dt.date.today()
    visit = VisitFactory(
        owner=None,
        title="Warsaw tram study visit",
        status=Visit.Status.COMPLETED,
        start_date=today - dt.timedelta(days=10),
        end_date=today - dt.timedelta(days=9),
    )

    login(page, live_server, "staff")
    page.goto(visit.get_absolute_url())
    assert_page_in(page, lang)
    page.locator("#visit-tasks").get_by_role("link", name=t("Add task")).click()
    assert_page_in(page, lang)
    page.locator("#id_title").fill("Send the tram study to Warsaw")
    page.locator("#id_due_on").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warsaw tram study visit")
    expect(page.locator("#visit-tasks")).to_contain_text("Send the tram study to Warsaw")
    task = Task.objects.get()
    assert task.record == visit and task.owner == staff_user

    page.goto(live_server.url + "/partners/tasks/")
    assert_page_in(page, lang)
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_contain_text("Send the tram study to Warsaw")
    expect(row).to_contain_text(t("overdue"))
    expect(row.get_by_role("link", name="Warsaw tram study visit")).to_be_visible()

    # The morning's digest (the beat task's service), read in the local mailbox.
    assert reminder_digests_send() == 1
    page.goto(live_server.url + "/mailbox/")
    page.get_by_role("row").filter(has_text="staff@city.example").get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("Send the tram study to Warsaw")
    expect(page.locator("main")).to_contain_text(t("Your tasks overdue or due this week"))

    page.goto(live_server.url + "/partners/tasks/")
    page.evaluate("() => { window.__noReload = true; }")
    row = page.locator(f"#task-{task.pk}")
    row.get_by_role("button", name=t("Mark done")).click()
    expect(page.locator(f"#task-{task.pk}").get_by_role("button", name=t("Reopen"))).to_be_visible()
    assert page.evaluate("() => window.__noReload === true")  # swapped in place
    task.refresh_from_db()
    assert task.state == Task.State.DONE and task.completed_by == staff_user
    assert page.console_errors == []  # type: ignore[attr-defined]
