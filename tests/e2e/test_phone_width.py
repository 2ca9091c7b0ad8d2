"""At phone width (390 px) every page fits the screen: nothing makes the whole page scroll
sideways (a wide table shows its key columns and folds the rest, or scrolls inside its own box).

The walk opens every staff page (as the diplomacy unit and as the mayor's office) and every
public page with data that makes them wide: long names, several rows, Hungarian labels."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from cityrelations.core.models import AccountSettings
from delegations.models import Gift, Visit
from newsletters.models import Edition, Suppression, email_hash
from newsletters.tokens import make_token
from partners.models import FeePayment, Office
from tests.delegations.factories import (
    AgendaItemFactory,
    LogisticsItemFactory,
    ParticipantFactory,
    VisitFactory,
)
from tests.factories import (
    AgreementFactory,
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProjectFactory,
    TaskFactory,
)
from tests.newsletters.factories import (
    EditionFactory,
    EditionItemFactory,
    StoryFactory,
    SubscriberFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth")


def test_new_staff_pages_fit_a_phone(page, live_server, login, staff_user, settings):
    settings.EMAIL_BACKEND = "cityrelations.mailbox.MailboxBackend"
    membership = MembershipFactory(
        role="Full member with a long tier name", annual_fee=Decimal("15000")
    )
    FeePayment.objects.create(
        membership=membership,
        paid_on=dt.date(2026, 12, 1),
        amount=Decimal("15000"),
        currency="EUR",
        reference="INV-2026-000123456789",
        recorded_by=staff_user,
    )
    Suppression.objects.create(
        email_hash=email_hash("bounced.citizen@example.org"), reason=Suppression.Reason.BOUNCED
    )
    with mail.get_connection() as connection:
        EmailMessage(
            "A rather long subject line for a newsletter confirmation message",
            "Body",
            to=["a.very.long.citizen.address@example.org"],
            connection=connection,
        ).send()

    page.set_viewport_size(PHONE)
    login(page, live_server, "staff")
    for path in (
        "/partners/memberships/",
        f"/partners/memberships/{membership.pk}/",
        "/newsletter/subscribers/suppressed/",
        "/mailbox/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("h1").first.is_visible(), path
        assert _page_width(page) <= PHONE["width"], f"{path} scrolls sideways at 390 px"


def test_hungarian_pages_fit_a_phone(page, live_server, login, staff_user):
    """Hungarian dates and labels are longer than English ones ("lejárt határidejű: 2026.
    december 2.", "Kihagyás", "Exportálás XLSX-be"): a walk-through found the dashboard, a
    visit's logistics checklist, an edition's items, the subscriber list, a contact's offices and
    an organisation's membership buttons wider than a phone."""
    AccountSettings.objects.create(user=staff_user, language="hu")
    today = dt.date.today()
    fee_due = MembershipFactory(fee_due_on=today - dt.timedelta(days=5))
    contact = ContactFactory()
    Office.objects.create(contact=contact, title="Mayor of Lisbon", started_on=dt.date(2019, 9, 1))
    MembershipFactory(next_report_due_on=today - dt.timedelta(days=5))
    visit = VisitFactory(start_date=today + dt.timedelta(days=3))
    LogisticsItemFactory(visit=visit, due_on=today - dt.timedelta(days=2), owner=staff_user)
    edition = EditionFactory()
    for title in ("Fákkal hűtött város", "Digitális iker", "Budapest csatlakozik"):
        EditionItemFactory(edition=edition, title_hu=title)

    page.set_viewport_size(PHONE)
    login(page, live_server, "staff")
    for path in (
        "/",
        f"/delegations/visits/{visit.pk}/",
        f"/newsletter/editions/{edition.pk}/",
        "/newsletter/subscribers/",
        f"/partners/contacts/{contact.pk}/",
        f"/partners/organisations/{fee_due.organization_id}/",
    ):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "hu", path
        assert _page_width(page) <= PHONE["width"], f"{path} scrolls sideways at 390 px"


LONG = "Városfejlesztési és Nemzetközi Együttműködési Főosztály Közszolgáltatási Alosztálya"


def _wide_data(staff_user) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """One of every record a staff page shows, with long values, and the public pages' tokens."""
    today = dt.date.today()
    city = CityFactory(name="Hódmezővásárhely-Kishomok", region=LONG)
    partnership = PartnershipFactory(city=city, coordinator=staff_user, summary=LONG)
    organization = OrganizationFactory(name=LONG, acronym="VNEFKA")
    membership = MembershipFactory(
        organization=organization, role=LONG, fee_due_on=today - dt.timedelta(days=3)
    )
    agreement = AgreementFactory(
        title=LONG, partnership=partnership, valid_until=today + dt.timedelta(days=20)
    )
    agreement.cities.add(city)
    agreement.organizations.add(organization)
    contact = ContactFactory(
        first_name="Maximiliane-Josephine",
        last_name="Szentgyörgyi-Hohenzollern-Sigmaringen",
        email="maximiliane.josephine.szentgyorgyi@very-long-partner-domain.example",
        city=city,
        organization=organization,
        languages="hu, de, en, fr, it",
    )
    Office.objects.create(contact=contact, title=LONG, started_on=dt.date(2019, 9, 1))
    interaction = InteractionFactory(
        partnership=partnership, organization=organization, subject=LONG, occurred_on=today
    )
    interaction.contacts.add(contact)
    project = ProjectFactory(title=LONG)
    opportunity = OpportunityFactory(
        title=LONG, organization=organization, city=city, owner=staff_user
    )
    TaskFactory(record=opportunity, title=LONG, due_on=today, owner=staff_user)
    visit = VisitFactory(
        title=LONG, status=Visit.Status.SUBMITTED, partnership=partnership, cities=[city]
    )
    VisitFactory(title="Twin " + LONG, start_date=visit.start_date, cities=[city])
    ParticipantFactory(visit=visit, contact=contact)
    AgendaItemFactory(visit=visit)
    LogisticsItemFactory(visit=visit, due_on=today - dt.timedelta(days=2), owner=staff_user)
    TaskFactory(record=visit, title=LONG, due_on=today, owner=staff_user)
    gift = Gift.objects.create(
        direction=Gift.Direction.RECEIVED,
        description=LONG,
        counterpart=LONG,
        date=today,
        visit=visit,
    )
    edition = EditionFactory()
    EditionItemFactory(edition=edition, title_hu=LONG, title=LONG)
    sent = EditionFactory(status=Edition.Status.SENT)
    story = StoryFactory(title=LONG, title_hu=LONG)
    subscriber = SubscriberFactory(email="a.very.long.citizen.address.indeed@example.org")
    Suppression.objects.create(
        email_hash=email_hash("bounced.citizen@example.org"), reason=Suppression.Reason.BOUNCED
    )
    return {
        "partnership": partnership,
        "organization": organization,
        "membership": membership,
        "agreement": agreement,
        "contact": contact,
        "interaction": interaction,
        "project": project,
        "opportunity": opportunity,
        "city": city,
        "visit": visit,
        "gift": gift,
        "edition": edition,
        "sent": sent,
        "story": story,
        "subscriber": subscriber,
    }


def _staff_paths(d: dict) -> list[str]:  # type: ignore[type-arg]
    pk = {name: getattr(obj, "pk", None) for name, obj in d.items()}
    v, e = pk["visit"], pk["edition"]
    return [
        "/",
        "/search/?q=Hódmező",
        "/partners/",
        "/partners/partnerships/new/",
        f"/partners/partnerships/{pk['partnership']}/",
        f"/partners/partnerships/{pk['partnership']}/edit/",
        "/partners/map/",
        "/partners/organisations/",
        "/partners/organisations/new/",
        f"/partners/organisations/{pk['organization']}/",
        f"/partners/organisations/{pk['organization']}/edit/",
        "/partners/memberships/",
        "/partners/memberships/new/",
        f"/partners/memberships/{pk['membership']}/",
        f"/partners/memberships/{pk['membership']}/edit/",
        "/partners/agreements/",
        "/partners/agreements/new/",
        f"/partners/agreements/{pk['agreement']}/",
        f"/partners/agreements/{pk['agreement']}/edit/",
        f"/partners/agreements/{pk['agreement']}/documents/new/",
        "/partners/contacts/",
        "/partners/contacts/new/",
        f"/partners/contacts/{pk['contact']}/",
        f"/partners/contacts/{pk['contact']}/edit/",
        f"/partners/offices/new/?contact={pk['contact']}",
        "/partners/interactions/",
        "/partners/interactions/new/",
        f"/partners/interactions/{pk['interaction']}/edit/",
        "/partners/projects/",
        "/partners/projects/new/",
        f"/partners/projects/{pk['project']}/",
        f"/partners/projects/{pk['project']}/edit/",
        "/partners/opportunities/",
        "/partners/opportunities/list/",
        "/partners/opportunities/new/",
        f"/partners/opportunities/{pk['opportunity']}/",
        f"/partners/opportunities/{pk['opportunity']}/edit/",
        f"/partners/opportunities/{pk['opportunity']}/move/?stage=won",
        "/partners/cities/",
        "/partners/cities/new/",
        f"/partners/cities/{pk['city']}/",
        "/partners/import/",
        "/delegations/",
        "/delegations/visits/new/",
        f"/delegations/visits/{v}/",
        f"/delegations/visits/{v}/edit/",
        f"/delegations/visits/{v}/participants/new/",
        f"/delegations/visits/{v}/agenda/new/",
        f"/delegations/visits/{v}/logistics/new/",
        f"/delegations/visits/{v}/report/",
        f"/partners/tasks/new/?kind=visit&object_id={v}",
        "/partners/tasks/",
        "/delegations/review/",
        "/delegations/calendar/",
        "/delegations/calendar/?view=list",
        "/delegations/calendar/subscribe/",
        "/delegations/gifts/",
        "/delegations/gifts/new/",
        f"/delegations/gifts/{pk['gift']}/edit/",
        "/newsletter/subscribers/",
        "/newsletter/subscribers/import/",
        "/newsletter/subscribers/suppressed/",
        "/newsletter/stories/",
        "/newsletter/stories/new/",
        f"/newsletter/stories/{pk['story']}/edit/",
        "/newsletter/editions/",
        f"/newsletter/editions/{e}/",
        f"/newsletter/editions/{e}/edit/",
        "/account/two-factor/",
        "/accounts/password_change/",
    ]


def _public_paths(d: dict) -> list[str]:  # type: ignore[type-arg]
    subscriber, sent = d["subscriber"], d["sent"]
    return [
        "/accounts/login/",
        "/accounts/password_reset/",
        "/newsletter/subscribe/",
        "/newsletter/subscribe/check-your-inbox/",
        "/newsletter/archive/",
        f"/newsletter/archive/{sent.month:%Y-%m}/",  # type: ignore[attr-defined]
        f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/",  # type: ignore[arg-type]
        f"/newsletter/preferences/{make_token(subscriber, 'preferences')}/erase/",  # type: ignore[arg-type]
        f"/newsletter/unsubscribe/{make_token(subscriber, 'unsubscribe')}/",  # type: ignore[arg-type]
        "/delegations/gifts/register/",
    ]


# The first elements that stick out of the screen without a scrolling box around them: what a
# failure names, so that the fix is easy to find.
OVERFLOWING = """() => {
  const out = [];
  const scrolls = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1 && !scrolls(el)) {
      const cls = typeof el.className === "string" ? el.className.trim().split(/\\s+/).slice(0, 3) : [];
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls.length && cls[0] ? "." + cls.join(".") : ""} ${Math.round(r.right)}`);
      if (out.length >= 4) break;
    }
  }
  return out;
}"""


# Tables that fold their secondary columns on a phone: they fit without scrolling their box, so
# every row's key cells and actions are on screen.
FOLDED = re.compile(
    r"^/(partners/agreements/|delegations/(|visits/\d+/|review/|calendar/\?view=list)"
    r"|newsletter/subscribers/)$"
)
SCROLLED_TABLES = """() => [...document.querySelectorAll(".table-responsive")]
  .filter((box) => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
  .map((box) => `table ${box.scrollWidth} px in ${box.clientWidth} px`)"""
# Buttons and button-like links that a phone user cannot see without scrolling something sideways.
ACTIONS_OFF_SCREEN = """() => [...document.querySelectorAll("#main .btn")]
  .filter((el) => el.offsetParent !== null && el.getBoundingClientRect().right > window.innerWidth)
  .map((el) => el.textContent.trim())"""


def _too_wide(page, live_server, paths: list[str], *, may_refuse: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    """The paths whose page is wider than the phone ("path: width"), each opened in turn."""
    wide = []
    for path in paths:
        response = page.goto(live_server.url + path)
        if may_refuse and response.status == 403:
            continue
        assert response.status == 200, f"{path}: {response.status}"
        assert page.locator("h1").first.is_visible(), path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > page.evaluate("window.innerWidth"):
            wide.append(f"{path}: {width} px ({', '.join(page.evaluate(OVERFLOWING))})")
        if FOLDED.match(path):
            wide += [f"{path}: {t}" for t in page.evaluate(SCROLLED_TABLES)]
            wide += [f"{path}: {b!r} off screen" for b in page.evaluate(ACTIONS_OFF_SCREEN)]
    return wide


@pytest.mark.parametrize(
    ("persona", "lang"), [("staff", "en"), ("staff", "hu"), ("mayor", "en"), ("mayor", "hu")]
)
def test_every_staff_page_fits_a_phone(
    page, live_server, login, staff_user, mayor_user, persona, lang
):
    data = _wide_data(staff_user)
    page.set_viewport_size(PHONE)
    login(page, live_server, persona)
    wide = _too_wide(page, live_server, _staff_paths(data), may_refuse=persona == "mayor")
    assert wide == [], "\n".join(wide)


@pytest.mark.parametrize("lang", ["en", "hu"])
def test_every_public_page_fits_a_phone(page, live_server, staff_user, lang):
    data = _wide_data(staff_user)
    page.set_viewport_size(PHONE)
    wide = _too_wide(page, live_server, _public_paths(data))
    assert wide == [], "\n".join(wide)
