"""Error pages (400, 403, 404, 500, CSRF failure): the site's layout for the reader (staff or
public), the reader's language, a way back, and never a traceback.

This module is also the URLconf of its tests: the site's URLs plus views that fail on purpose.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import TemplateDoesNotExist
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from cityrelations import errors
from cityrelations import urls as site_urls

SECRET = "kaboom-internal-detail"


def _boom(request):
    raise RuntimeError(SECRET)


@login_required
def _staff_boom(request):
    raise RuntimeError(SECRET)


def _forbidden(request):
    raise PermissionDenied(SECRET)


def _bad(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("test-errors/boom/", _boom),
    path("test-errors/staff-boom/", _staff_boom),
    path("test-errors/forbidden/", _forbidden),
    path("test-errors/bad/", _bad),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

TITLES = {
    "en": {
        400: "Bad request",
        403: "Access denied",
        404: "Page not found",
        500: "Server error",
        "csrf": "The form could not be sent",
    },
    "hu": {
        400: "Hibás kérés",
        403: "Hozzáférés megtagadva",
        404: "Az oldal nem található",
        500: "Szerverhiba",
        "csrf": "Az űrlapot nem sikerült elküldeni",
    },
}
BACK = {
    ("staff", "en"): ("/", "Go to the dashboard"),
    ("staff", "hu"): ("/", "Ugrás az irányítópultra"),
    ("public", "en"): ("/newsletter/archive/", "Go to the newsletter archive"),
    ("public", "hu"): ("/newsletter/archive/", "Ugrás a hírlevél-archívumra"),
}


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def _client(user=None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def assert_error_page(
    response, *, status: int, kind, layout: str, language: str, logged_in: bool = False
) -> None:
    assert response.status_code == status
    body = response.content.decode()
    assert TITLES[language][kind] in body
    assert f'<html lang="{language}">' in body
    back_url, back_label = BACK[(layout, language)]
    assert f'href="{back_url}">{back_label}</a>' in body
    if layout == "staff":  # the staff layout: the main navigation with the search box
        assert 'id="mainnav"' in body and 'id="global-search"' in body
        assert 'id="language-switch"' not in body and 'id="account-language"' in body
    else:  # the public layout: the newsletter's links
        assert reverse("newsletters:subscribe") in body
        assert ('id="mainnav"' in body) == logged_in  # as on every public page
        # The header's language switch for a visitor, the user menu's choice when signed in.
        assert ('id="language-switch"' in body) != logged_in
        assert ('id="account-language"' in body) == logged_in
    for leak in (SECRET, "Traceback", "RuntimeError", "SuspiciousOperation", "technical"):
        assert leak not in body


def _get(client, url: str, language: str):
    return client.get(url, headers={"accept-language": language})


LANGUAGES = pytest.mark.parametrize("language", ["en", "hu"])


@pytest.mark.django_db
@LANGUAGES
@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (404, "/no-such-page/"),
        (403, "/test-errors/forbidden/"),
        (400, "/test-errors/bad/"),
        (500, "/test-errors/boom/"),
    ],
)
def test_anonymous_sees_the_public_layout(kind, url, language):
    response = _get(_client(), url, language)
    assert_error_page(response, status=kind, kind=kind, layout="public", language=language)


@pytest.mark.django_db
@LANGUAGES
@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (404, "/no-such-page/"),
        (403, "/test-errors/forbidden/"),
        (400, "/test-errors/bad/"),
        (500, "/test-errors/staff-boom/"),
    ],
)
def test_staff_see_the_staff_layout(staff_user, kind, url, language):
    response = _get(_client(staff_user), url, language)
    assert_error_page(response, status=kind, kind=kind, layout="staff", language=language)
    assert staff_user.get_full_name() in response.content.decode()  # the user menu is there


@pytest.mark.django_db
@LANGUAGES
def test_csrf_failure_on_a_public_form(language):
    client = _client(csrf=True)
    response = client.post(
        reverse("newsletters:subscribe"),
        {"email": "ana@example.org"},
        headers={"accept-language": language},
    )
    assert_error_page(response, status=403, kind="csrf", layout="public", language=language)


@pytest.mark.django_db
@LANGUAGES
def test_csrf_failure_on_a_staff_form(staff_user, language):
    client = _client(staff_user, csrf=True)
    response = client.post(
        reverse("partners:city_create"), {"name": "X"}, headers={"accept-language": language}
    )
    assert_error_page(response, status=403, kind="csrf", layout="staff", language=language)


@pytest.mark.django_db
def test_real_refusals_and_misses(mayor_user, staff_user):
    # The mayor's office may not add a city: a 403 in the staff layout.
    response = _get(_client(mayor_user), reverse("partners:city_create"), "en")
    assert_error_page(response, status=403, kind=403, layout="staff", language="en")
    # A missing record behind a staff page.
    response = _get(_client(staff_user), reverse("partners:city_detail", args=[999999]), "hu")
    assert_error_page(response, status=404, kind=404, layout="staff", language="hu")
    # A public page keeps the public layout, even for a logged-in reader.
    missing_issue = reverse("newsletters:edition_public", args=["2099-01"])
    response = _get(_client(staff_user), missing_issue, "en")
    assert_error_page(
        response, status=404, kind=404, layout="public", language="en", logged_in=True
    )
    response = _get(_client(), missing_issue, "hu")
    assert_error_page(response, status=404, kind=404, layout="public", language="hu")
    # A request for a host this site does not serve.
    response = _client().get("/", headers={"host": "evil.example", "accept-language": "hu"})
    assert_error_page(response, status=400, kind=400, layout="public", language="hu")


# --- the 500 page needs no database ---------------------------------------------------------
# These tests have no database access: pytest-django fails any query they make.


@LANGUAGES
def test_500_renders_without_the_database(language):
    response = _get(_client(), "/test-errors/boom/", language)
    assert_error_page(response, status=500, kind=500, layout="public", language=language)


def test_500_for_a_loaded_staff_user_without_the_database(rf):
    request = rf.get("/partners/", headers={"accept-language": "en"})
    request.user = get_user_model()(pk=42, username="ana", first_name="Ana", last_name="Kovács")
    request.user._group_names = ["Diplomacy unit"]
    with translation.override("en"):
        response = errors.server_error(request)
    assert_error_page(response, status=500, kind=500, layout="staff", language="en")
    assert "Diplomacy unit" in response.content.decode()


def test_500_when_the_request_has_no_user_or_session(rf):
    with translation.override("hu"):
        response = errors.server_error(rf.get("/anything/"))
    assert_error_page(response, status=500, kind=500, layout="public", language="hu")


def test_500_falls_back_to_a_bare_page_when_its_template_fails(rf, monkeypatch):
    def broken(name, *args, **kwargs):
        raise TemplateDoesNotExist(name)

    monkeypatch.setattr(errors.loader, "get_template", broken)
    with translation.override("en"):
        response = errors.server_error(rf.get("/anything/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Server error</h1>" in body and 'href="/"' in body
    assert "Traceback" not in body


@pytest.mark.django_db
def test_a_bad_host_gets_the_full_400_page_without_a_fallback(caplog):
    # CommonMiddleware refuses the host before AuthenticationMiddleware has set request.user:
    # the page's context processors must cope, not fall back to the page from memory.
    with caplog.at_level(logging.WARNING):
        response = _client().get("/", headers={"host": "evil.example", "accept-language": "en"})
    assert_error_page(response, status=400, kind=400, layout="public", language="en")
    assert "could not be rendered" not in caplog.text


@pytest.mark.django_db
def test_a_page_answered_before_locale_middleware_is_not_in_the_previous_readers_language(
    settings, caplog
):
    # With the HTTPS redirect on, SecurityMiddleware reads the host before LocaleMiddleware has
    # chosen a language: the refusal must not speak whatever the thread's last request spoke.
    settings.SECURE_SSL_REDIRECT = True
    hungarian = _client().get(
        "/newsletter/archive/", secure=True, headers={"accept-language": "hu"}
    )
    assert hungarian["Content-Language"] == "hu"
    with caplog.at_level(logging.CRITICAL):
        response = _client().get("/", headers={"host": "evil.example"})
    assert_error_page(response, status=400, kind=400, layout="public", language="en")


@pytest.mark.django_db
def test_the_thread_is_back_in_the_sites_language_after_a_request():
    response = _client().get("/newsletter/archive/", headers={"accept-language": "hu"})
    assert response["Content-Language"] == "hu"
    assert translation.get_language() == "en"


def test_a_request_too_large_is_refused_before_it_is_read(client, settings):
    """A public form with a file larger than the site accepts: a 413 page in the reader's
    language, nothing stored, and the CSRF check (which would parse the body) never runs."""
    settings.MAX_REQUEST_BYTES = 50_000
    url = reverse("delegations:visit_request_new")
    big = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n" + b"x" * 60_000)
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"letter": big}, HTTP_ACCEPT_LANGUAGE="hu")
    assert response.status_code == 413
    with translation.override("hu"):
        assert translation.gettext("The form is too large") in response.content.decode()
    # A request within the limit goes on to the view (here: the CSRF check refuses it).
    small = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n")
    assert csrf_client.post(url, {"letter": small}).status_code == 403
