"""Choosing the language (issue 12): staff keep theirs on the account from the user menu, and
it wins over the cookie and the browser's language on every page and in the admin; visitors
switch in the header of every public page, the browser's language being the default.
The browser journey is tests/e2e/test_language_choice.py; staff email in the chosen language is
tests/delegations/test_notifications.py and tests/cityrelations/test_mail.py."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cityrelations.core.languages import ACCOUNT_LANGUAGE_KEY
from cityrelations.core.models import AccountSettings
from newsletters.models import Subscriber
from newsletters.tokens import make_token
from tests.newsletters.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

URL = reverse("account_language")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HU = {"HTTP_ACCEPT_LANGUAGE": "hu"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


def page_language(response) -> str:
    assert response.status_code in (200, 400, 403, 404, 429), response.status_code
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


def chosen(user) -> str | None:
    account = AccountSettings.objects.filter(user=user).first()
    return None if account is None else account.language


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Staff: the user menu -----------------------------------------------------------------------


def test_the_user_menu_offers_each_language_and_the_browsers(staff_client):
    page = staff_client.get("/", **EN).content.decode()
    form = page.split('id="account-language"', 1)[1].split("</form>", 1)[0]
    assert f'action="{URL}"' in page
    assert re.findall(r'name="language" value="(\w*)"', form) == ["en", "hu", ""]
    assert ">Magyar</button>" in form and "Browser's language</button>" in form
    # Nothing chosen yet: the browser's language is the current choice.
    assert re.search(r'value=""\s+aria-current="true"', form)


def test_choosing_hungarian_keeps_it_and_wins_over_an_english_browser(staff_client, staff_user):
    response = staff_client.post(URL, {"language": "hu", "next": "/partners/"}, **EN)

    assert response.status_code == 302 and response["Location"] == "/partners/"
    assert chosen(staff_user) == "hu"
    assert response.cookies[COOKIE].value == "hu"
    assert message_texts(response) == ["Nyelv módosítva: magyar."]  # in the new language
    staff_client.cookies.pop(COOKIE)  # the account alone decides, not the cookie
    page = staff_client.get("/", **EN)
    assert page_language(page) == "hu" and "Partnerek" in page.content.decode()
    assert page["Content-Language"] == "hu"
    form = page.content.decode().split('id="account-language"', 1)[1].split("</form>", 1)[0]
    assert re.search(r'value="hu" lang="hu" aria-current="true"', form)


def test_a_new_session_reads_the_choice_from_the_account(staff_user):
    AccountSettings.objects.create(user=staff_user, language="hu")
    client = Client(**EN)
    client.cookies[COOKIE] = "en"  # an earlier visitor's choice on this browser
    response = client.post(reverse("login"), {"username": "staff", "password": "demo"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "hu"  # the account wins over the cookie
    assert page_language(client.get("/")) == "hu"
    client.post(reverse("logout"))
    assert page_language(client.get(reverse("login"))) == "hu"  # kept after logging out


def test_choosing_the_browsers_language_again(staff_client, staff_user):
    staff_client.post(URL, {"language": "hu"})
    response = staff_client.post(URL, {"language": "", "next": "/"}, **EN)

    assert chosen(staff_user) == ""
    assert response.cookies[COOKIE].value == ""  # deleted
    assert message_texts(response)[-1] == "The pages now follow your browser's language."
    assert page_language(staff_client.get("/", **EN)) == "en"
    assert page_language(staff_client.get("/", **HU)) == "hu"


@pytest.mark.parametrize("data", [{"language": "xx"}, {"language": "hu-evil"}, {}])
def test_a_language_the_site_does_not_offer_changes_nothing(staff_client, staff_user, data):
    staff_client.post(URL, {"language": "en"})
    list(get_messages(staff_client.get("/").wsgi_request))  # read (and so clear) its message

    response = staff_client.post(URL, {**data, "next": "/partners/"}, **HU)

    assert response.status_code == 302 and response["Location"] == "/partners/"
    assert chosen(staff_user) == "en"
    assert COOKIE not in response.cookies
    assert message_texts(response) == ["That language is not offered here; nothing was changed."]
    page = staff_client.get("/partners/", **HU)
    assert page_language(page) == "en"


def test_nothing_is_created_for_a_bad_choice(staff_client, staff_user):
    staff_client.post(URL, {"language": "<script>"})
    assert chosen(staff_user) is None


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://testserver.evil/"]
)
def test_next_never_leaves_the_site(staff_client, staff_user, target):
    response = staff_client.post(URL, {"language": "hu", "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert chosen(staff_user) == "hu"


def test_only_a_signed_in_post_changes_the_account(client, staff_client, staff_user):
    assert staff_client.get(URL).status_code == 405
    response = client.post(URL, {"language": "hu"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not AccountSettings.objects.exists()


def test_a_visitor_logs_in_and_comes_back_to_the_page_they_were_on(client, staff_user):
    """A session that expired under the user menu: after the login, the page they were on,
    not this POST-only URL (which would answer 405)."""
    unsafe = client.post(URL, {"language": "hu", "next": "https://evil.example/"})
    assert unsafe["Location"] == f"{reverse('login')}?next={reverse('dashboard')}"
    response = client.post(URL, {"language": "hu", "next": "/partners/"})
    assert response["Location"] == f"{reverse('login')}?next=/partners/"
    login = client.post(response["Location"], {"username": "staff", "password": "demo"})
    assert login.status_code == 302 and login["Location"] == "/partners/"


def test_choosing_again_updates_the_one_row(staff_client, staff_user):
    staff_client.post(URL, {"language": "hu"})
    response = staff_client.post(URL, {"language": "en"})
    assert response.status_code == 302
    assert list(AccountSettings.objects.values_list("user", "language")) == [(staff_user.pk, "en")]


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_that_races_saves_once(staff_user):
    """The second of two submits creates the row between the first one's read and its write
    (another request, its own connection, committed): the first updates it, no 500."""
    from django.db import connections
    from django.db.models.signals import pre_save

    def the_other_request_commits_first(sender, instance, **kwargs):
        pre_save.disconnect(the_other_request_commits_first, sender=AccountSettings)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {AccountSettings._meta.db_table} (user_id, language) "
                    "VALUES (%s, 'en')",
                    [staff_user.pk],
                )
        finally:
            other.close()

    pre_save.connect(the_other_request_commits_first, sender=AccountSettings)
    client = Client()
    client.force_login(staff_user)
    try:
        response = client.post(URL, {"language": "hu", "next": "/partners/"})
    finally:
        pre_save.disconnect(the_other_request_commits_first, sender=AccountSettings)
    assert response.status_code == 302 and response["Location"] == "/partners/"
    assert list(AccountSettings.objects.values_list("language", flat=True)) == ["hu"]


@pytest.mark.parametrize("pending", ["verify", "enrol"])
def test_before_the_second_step_only_the_session_changes(settings, staff_user, pending):
    """The view is open before the second step (to read that page in one's language); a
    password alone must not write to the account."""
    from cityrelations.mfa.testing import give_totp_device

    AccountSettings.objects.create(user=staff_user, language="en")
    if pending == "verify":
        give_totp_device(staff_user)
    else:
        settings.STAFF_REQUIRE_2FA = True
    client = Client(**EN)
    client.post(reverse("login"), {"username": "staff", "password": "demo"})

    response = client.post(URL, {"language": "hu", "next": reverse("mfa:verify")})

    assert response.status_code == 302 and response.cookies[COOKIE].value == "hu"
    assert chosen(staff_user) == "en"  # the account is unchanged
    assert client.session[ACCOUNT_LANGUAGE_KEY] == "hu"
    second_step = reverse("mfa:verify" if pending == "verify" else "mfa:manage")
    assert page_language(client.get(second_step, **EN)) == "hu"


def test_a_form_without_its_token_is_refused(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(URL, {"language": "hu"}).status_code == 403
    assert chosen(staff_user) is None


def test_the_admin_speaks_the_accounts_language(admin_client, admin_user):
    admin_client.post(URL, {"language": "hu"})
    page = admin_client.get(reverse("admin:index"), **EN)
    assert page_language(page) == "hu"
    assert "Felhasználók" in page.content.decode()  # Django's own Hungarian


def _user_admin_form(admin_client, user) -> tuple[str, dict]:
    from tests.editing import form_data

    url = reverse("admin:auth_user_change", args=[user.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    return url, form_data(page.content, field="username")


@pytest.mark.parametrize("existing", [None, "en"])
def test_an_administrator_sets_a_users_email_language(
    admin_client, mayor_user, existing, mailoutbox
):
    """For the mayor's office, who never open the user menu: on Django's user page."""
    from delegations.notifications import send_visit_submitted
    from tests.delegations.factories import VisitFactory

    if existing:
        AccountSettings.objects.create(user=mayor_user, language=existing)
    url, form = _user_admin_form(admin_client, mayor_user)
    assert "account_settings-0-language" in form
    response = admin_client.post(url, {**form, "account_settings-0-language": "hu"})

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert chosen(mayor_user) == "hu"
    assert AccountSettings.objects.filter(user=mayor_user).count() == 1
    send_visit_submitted(visit_id=VisitFactory(status="submitted", title="Vienna").pk)
    (message,) = [m for m in mailoutbox if m.to == [mayor_user.email]]
    assert message.subject.endswith("Jóváhagyására váró látogatás: Vienna")
    _url, form = _user_admin_form(admin_client, mayor_user)
    assert form["account_settings-0-language"] == "hu"
    assert admin_client.get(reverse("admin:auth_user_add")).status_code == 200


# --- At most one query per request --------------------------------------------------------------


def _account_queries(client: Client, url: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **EN)
    sql = [q["sql"] for q in queries.captured_queries if "accountsettings" in q["sql"]]
    return response, sql


def test_the_choice_costs_no_query_per_request(staff_user):
    AccountSettings.objects.create(user=staff_user, language="hu")
    client = Client()
    client.force_login(staff_user)  # the login reads it once, into the session
    for _ in range(2):
        response, sql = _account_queries(client, reverse("mfa:manage"))
        assert page_language(response) == "hu" and sql == []


def test_a_session_from_before_reads_it_once(staff_user):
    AccountSettings.objects.create(user=staff_user, language="hu")
    client = Client()
    client.force_login(staff_user)
    session = client.session
    del session[ACCOUNT_LANGUAGE_KEY]  # a session older than the setting
    session.save()
    response, sql = _account_queries(client, reverse("mfa:manage"))
    assert page_language(response) == "hu" and len(sql) == 1
    response, sql = _account_queries(client, reverse("mfa:manage"))
    assert page_language(response) == "hu" and sql == []


def test_a_visitor_costs_no_query_for_it(client):
    response, sql = _account_queries(client, reverse("login"))
    assert page_language(response) == "en" and sql == []


# --- Visitors: the header's switch on every public page -----------------------------------------


def _public_pages(staff_user) -> dict[str, str]:
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING, language="en")
    uid = urlsafe_base64_encode(force_bytes(staff_user.pk))
    token = default_token_generator.make_token(staff_user)
    return {
        "login": reverse("login"),
        "logged out (the login page)": "logout",
        "password reset": reverse("password_reset"),
        "password reset sent": reverse("password_reset_done"),
        "password reset link": reverse("password_reset_confirm", args=[uid, token]),
        "password reset bad link": reverse("password_reset_confirm", args=["x", "y-z"]),
        "password reset complete": reverse("password_reset_complete"),
        "not found": "/no-such-page/",
        "subscribe": reverse("newsletters:subscribe"),
        "subscribe done": reverse("newsletters:subscribe_done"),
        "confirm": reverse("newsletters:confirm", args=[make_token(subscriber, "confirm")]),
        "preferences": reverse(
            "newsletters:preferences", args=[make_token(subscriber, "preferences")]
        ),
        "unsubscribe": reverse(
            "newsletters:unsubscribe", args=[make_token(subscriber, "unsubscribe")]
        ),
        "broken link": reverse("newsletters:confirm", args=["broken"]),
        "archive": reverse("newsletters:archive"),
        "gifts register": reverse("delegations:gift_public"),
        "the admin's login": reverse("admin:login"),
    }


FROM_AN_EMAIL = {"confirm", "preferences", "unsubscribe"}  # the subscriber reads English


def _switch(response) -> str:
    page = response.content.decode()
    assert 'id="language-switch"' in page, "no language switch"
    header = re.split(r'<main id="main"|<main id="content-start"|<div id="content"', page)[0]
    assert 'id="language-switch"' in header, "the switch is not in the header"
    return header.split('id="language-switch"', 1)[1].split("</form>", 1)[0]


def test_every_public_page_has_the_switch_in_its_header(staff_user):
    for name, url in _public_pages(staff_user).items():
        for accept in ("en", "hu"):
            client = Client(HTTP_ACCEPT_LANGUAGE=accept)
            if url == "logout":
                client.force_login(staff_user)
                response = client.post(reverse("logout"), follow=True)
            else:
                response = client.get(url)
            language = page_language(response)
            # The browser's language; a page opened from an email speaks the subscriber's.
            assert language == ("en" if name in FROM_AN_EMAIL else accept), name
            other, label = ("hu", "Magyar") if language == "en" else ("en", "English")
            switch = _switch(response)
            assert f'action="{reverse("set_language")}"' in switch, name
            assert f'name="language" value="{other}" lang="{other}">{label}</button>' in switch
            assert f'value="{language}"' not in switch, name  # only the other language


def test_the_locked_out_page_has_the_switch(settings, staff_user):
    settings.AXES_FAILURE_LIMIT = 1
    response = Client(**HU).post(reverse("login"), {"username": "staff", "password": "x"})
    assert response.status_code == 429 and page_language(response) == "hu"
    assert "English" in _switch(response)


def test_the_server_error_page_has_the_switch(rf):
    from cityrelations.errors import server_error

    request = rf.get("/boom/", **HU)
    from django.utils import translation

    with translation.override("hu"):
        response = server_error(request)
    assert response.status_code == 500
    assert '<html lang="hu">' in response.content.decode()
    assert "English" in response.content.decode().split('id="language-switch"', 1)[1]


def test_a_visitor_switches_without_javascript_and_it_stays(client):
    login = reverse("login")
    assert page_language(client.get(login, **HU)) == "hu"
    response = client.post(reverse("set_language"), {"language": "en", "next": login}, **HU)
    assert response.status_code == 302 and response["Location"] == login
    assert page_language(client.get(login, **HU)) == "en"  # the cookie beats the browser
    assert page_language(client.get(reverse("newsletters:archive"), **HU)) == "en"


def test_a_visitor_with_a_hungarian_browser_reads_hungarian(client):
    response = client.get(reverse("newsletters:subscribe"), **HU)
    assert page_language(response) == "hu"
    assert "Iratkozzon fel havi hírlevelünkre" in response.content.decode()
    assert page_language(client.get(reverse("newsletters:subscribe"), **EN)) == "en"
