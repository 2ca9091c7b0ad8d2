"""Every URL × every role: anonymous users get the login page (or a public page), the mayor's
office gets 403 on every edit URL, and nobody ever gets a 500.

URLs are discovered from the URLconf, so a view added later is covered without touching this file.
Path arguments point at objects that do not exist: permission checks must come before look-ups
(a 403 or a login redirect, not a 404 that leaks what exists), and staff get a clean 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

APP_NAMESPACES = {"partners", "delegations", "newsletters", "mfa", "otp_webauthn"}
ROOT_NAMES = {
    "dashboard",
    "search",
    "mailbox",
    "mailbox_message",
    "saved_view_create",
    "saved_view_update",
    "saved_view_delete",
}

# Pages anyone may open (citizens' newsletter pages, the public gifts register, health check).
PUBLIC = {
    "healthz",
    "newsletters:subscribe",
    "newsletters:subscribe_done",
    "newsletters:confirm",
    "newsletters:preferences",
    "newsletters:export_data",
    "newsletters:erase",
    "newsletters:unsubscribe",
    "newsletters:archive",
    "newsletters:feed",
    "newsletters:feed_language",
    "newsletters:edition_public",
    "newsletters:story_image",
    "delegations:gift_public",
    "delegations:gift_public_csv",
    "delegations:ical_feed",
    "delegations:visit_request_new",
    "delegations:visit_request_thanks",
    "delegations:event_public",
    "delegations:event_registered",
    "delegations:registration_confirm",
    "delegations:registration_manage",
    "otp_webauthn:js-i18n-catalog",  # the passkey script's translations
}
# Actions the mayor's office may take although they change something.
MAYOR_MAY = {
    "delegations:visit_transition",
    "delegations:review_decide",
    "delegations:event_step",  # the office reviews events the mayor attends
    "delegations:ical_settings",
    "delegations:ical_reset",
    # Everyone's own saved views of the lists they read (another user's view is a 404).
    "saved_view_create",
    "saved_view_update",
    "saved_view_delete",
}
# Citizens' personal data: the mayor's office may not even read these (counts are on the editions).
PERSONAL_DATA = {
    "newsletters:subscriber_list",
    "newsletters:subscriber_export",
    "newsletters:subscriber_import",
    "newsletters:suppression_list",
    "newsletters:suppression_lift",
    "partners:contact_export",
    # Visit requests: who asked (name, address, IP) is for the unit that triages them.
    "delegations:visit_request_list",
    "delegations:visit_request_detail",
    "delegations:visit_request_letter",
    "delegations:visit_request_accept",
    "delegations:visit_request_decline",
    "delegations:visit_request_refer",
    # A hosted event's registrants: the door list, attendance, badges, certificates, export.
    "delegations:event_checkin",
    "delegations:registration_checkin",
    "delegations:registration_attendance",
    "delegations:event_badges",
    "delegations:event_certificates",
    "delegations:event_certificates_pdf",
    "delegations:registration_certificate",
    "delegations:event_registrations_export",
}
# A URL name is an edit URL when one of its words is one of these ("edition_list" is not).
EDIT_WORDS = {
    "create",
    "update",
    "delete",
    "import",
    "merge",
    "upload",
    "add",
    "toggle",
    "move",
    "approve",
    "reopen",
    "assemble",
    "send",
    "schedule",
    "unschedule",
    "publish",
    "mark",
    "paid",
    "void",
    "edit",
    "reset",
    "suppress",
    "erase",
    "lift",
}
SAMPLE_VALUES = {"int": "999999", "str": "missing", "slug": "missing", "path": "missing"}


def is_edit_url(name: str) -> bool:
    return bool(EDIT_WORDS & set(name.split(":")[-1].split("_")))


def test_edit_urls_are_recognised_by_whole_words():
    assert is_edit_url("newsletters:edition_update")
    assert is_edit_url("partners:membership_fee_paid")
    assert is_edit_url("partners:fee_payment_void")
    assert not is_edit_url("newsletters:edition_list")
    assert not is_edit_url("newsletters:edition_progress")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$")

    def sample(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return SAMPLE_VALUES.get(converter, "missing")

    path = re.sub(r"<(?:(\w+):)?\w+>", sample, route)
    if "(?P" in path:  # a regex route (admin, anymail): not ours to walk
        return ""
    return "/" + path


def our_urls() -> list[tuple[str, str]]:
    found = []
    for name, route in _walk(get_resolver().url_patterns):
        ns = name.split(":", 1)[0] if ":" in name else ""
        if ns in APP_NAMESPACES or name in ROOT_NAMES or name in PUBLIC:
            path = _concrete(route)
            if path:
                found.append((name, path))
    return sorted(set(found))


URLS = our_urls()


def test_the_walk_finds_the_apps_urls():
    names = {name for name, _ in URLS}
    assert "dashboard" in names
    assert any(name.startswith("partners:") for name in names)


TASK_URLS = {  # the diplomacy unit manages tasks; the mayor's office reads them (task_list) only
    "partners:task_list",
    "partners:task_create",
    "partners:task_update",
    "partners:task_delete",
    "partners:task_mark_done",
    "partners:task_reopen",
}


def test_the_task_urls_are_walked_and_their_edits_refused_to_the_mayors_office():
    names = {name for name, _ in URLS}
    assert names >= TASK_URLS
    assert all(is_edit_url(name) for name in TASK_URLS - {"partners:task_list"})
    assert not TASK_URLS & MAYOR_MAY


OPPORTUNITY_URLS = {  # business leads are CRM, not citizens' data: the mayor's office reads them
    "partners:opportunity_board",
    "partners:opportunity_list",
    "partners:opportunity_export",
    "partners:opportunity_detail",
    "partners:opportunity_create",
    "partners:opportunity_update",
    "partners:opportunity_delete",
    "partners:opportunity_move",
}
OPPORTUNITY_READS = {
    "partners:opportunity_board",
    "partners:opportunity_list",
    "partners:opportunity_export",
    "partners:opportunity_detail",
}


def test_the_opportunity_urls_are_walked_and_only_the_unit_changes_them():
    names = {name for name, _ in URLS}
    assert names >= OPPORTUNITY_URLS
    assert all(is_edit_url(name) for name in OPPORTUNITY_URLS - OPPORTUNITY_READS)
    assert not any(is_edit_url(name) for name in OPPORTUNITY_READS)
    assert not OPPORTUNITY_URLS & (MAYOR_MAY | PERSONAL_DATA)


@pytest.mark.parametrize(("name", "path"), URLS, ids=[n for n, _ in URLS])
def test_anonymous(anonymous_client, name, path):
    for method in ("get", "post"):
        response = getattr(anonymous_client, method)(path)
        assert response.status_code != 500, f"{method.upper()} {path}"
        if name not in PUBLIC:
            assert response.status_code == 302, f"{method.upper()} {path}: {response.status_code}"
            assert response.url.startswith("/accounts/login/"), response.url


@pytest.mark.parametrize(("name", "path"), URLS, ids=[n for n, _ in URLS])
def test_mayors_office(mayor_client, name, path):
    for method in ("get", "post"):
        response = getattr(mayor_client, method)(path)
        assert response.status_code < 500, f"{method.upper()} {path}: {response.status_code}"
    if is_edit_url(name) and name not in MAYOR_MAY and name not in PUBLIC:
        response = mayor_client.post(path)
        assert response.status_code == 403, f"POST {path}: {response.status_code}"
    if name in PERSONAL_DATA:
        for method in ("get", "post"):
            response = getattr(mayor_client, method)(path)
            assert response.status_code == 403, f"{method.upper()} {path}: {response.status_code}"


def test_every_personal_data_page_is_walked():
    assert {name for name, _ in URLS} >= PERSONAL_DATA


@pytest.mark.parametrize(("name", "path"), URLS, ids=[n for n, _ in URLS])
def test_diplomacy_unit(staff_client, name, path):
    for method in ("get", "post"):
        response = getattr(staff_client, method)(path)
        assert response.status_code < 500, f"{method.upper()} {path}: {response.status_code}"
        if name not in MAYOR_MAY:
            assert response.status_code != 403, f"{method.upper()} {path}: staff got 403"
