"""Newsletter content in both languages (django-modeltranslation): what staff write is kept per
language, falls back to the other language, keeps its history and its sanitising, and an edition
with a text missing in a language is approved only on explicit confirmation."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from cityrelations.core.history import history_rows
from newsletters.models import Edition, EditionItem, Story
from tests.editing import edit_form_data, with_version

from .factories import EditionFactory, EditionItemFactory, StoryFactory

pytestmark = pytest.mark.django_db


# --- The model: a column per language, with fallback ------------------------------------------


def test_a_text_reads_in_the_active_language_and_falls_back_to_the_other():
    story = StoryFactory(title="Green roofs", title_hu="Zöld tetők", image_alt="", image_alt_hu="")
    story.image_alt_en = "A roof garden"
    story.save()
    story = Story.objects.get(pk=story.pk)
    with translation.override("hu"):
        assert story.title == "Zöld tetők"
        assert story.image_alt == "A roof garden"  # no Hungarian text: the English one
    with translation.override("en"):
        assert story.title == "Green roofs"


def test_a_fallback_is_never_saved_into_the_empty_language():
    """Sanitising on save reads the field (the fallback text) and must not write it back into
    the language that has none: the gap would disappear from the warning before approval."""
    edition = EditionFactory(introduction="", introduction_hu="<p>Csak magyarul.</p>")
    item = EditionItemFactory(edition=edition, body="", body_hu="<p>Magyar szöveg.</p>")
    edition.refresh_from_db()
    item.refresh_from_db()
    assert (edition.introduction_en, item.body_en) == ("", "")
    assert edition.missing_translations() == {"en": ["Introduction", f"Item “{item.title}”: text"]}


def test_the_included_only_manager_survives_modeltranslation():
    edition = EditionFactory()
    shown = EditionItemFactory(edition=edition, title="Shown")
    EditionItemFactory(edition=edition, title="Dropped", included=False)
    with translation.override("hu"):
        assert list(edition.items.all()) == [shown]
        assert list(EditionItem.objects.filter(edition=edition)) == [shown]
        assert EditionItem.all_items.filter(edition=edition).count() == 2


def test_history_keeps_both_languages():
    story = StoryFactory(title="Trams", title_hu="Villamosok")
    story.title_hu = "Villamosok a városban"
    story.save()
    old, new = story.history.order_by("history_date")
    assert (old.title_en, old.title_hu) == ("Trams", "Villamosok")
    assert (new.title_en, new.title_hu) == ("Trams", "Villamosok a városban")
    assert old.instance.title_hu == "Villamosok"  # a revert would bring the Hungarian back
    [change] = history_rows(story)[0]["changes"]
    assert (change["old"], change["new"]) == ("Villamosok", "Villamosok a városban")


def test_the_admin_history_of_a_story_opens(admin_client):
    story = StoryFactory()
    story.title_hu = "Új cím"
    story.save()
    url = reverse("admin:newsletters_story_history", args=[story.pk])
    assert admin_client.get(url).status_code == 200
    page = admin_client.get(reverse("admin:newsletters_story_change", args=[story.pk]))
    assert 'name="title_en"' in page.content.decode() and 'name="title_hu"' in page.content.decode()
    edition = EditionItemFactory().edition
    page = admin_client.get(reverse("admin:newsletters_edition_change", args=[edition.pk]))
    html = page.content.decode()
    assert 'name="introduction_hu"' in html and 'name="items-0-title_hu"' in html


# --- Staff forms ---------------------------------------------------------------------------------


def test_the_story_form_shows_each_text_as_a_labelled_pair(staff_client):
    page = staff_client.get(reverse("newsletters:story_create"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    for label in ("Title (English)", "Title (Hungarian)", "Text (English)", "Text (Hungarian)"):
        assert label in html
    page = staff_client.get(reverse("newsletters:story_create"), HTTP_ACCEPT_LANGUAGE="hu")
    assert "Cím (angol)" in page.content.decode() and "Cím (magyar)" in page.content.decode()


def test_a_story_in_one_language_is_enough_and_none_is_refused(staff_client):
    url = reverse("newsletters:story_create")
    data = {
        "kind": "news",
        "month": "2026-05",
        "title_hu": "Zöld tetők",
        "body_hu": "<p>Szöveg</p>",
    }
    assert staff_client.post(url, data).status_code == 302
    story = Story.objects.get()
    assert not story.title_en and story.title_hu == "Zöld tetők"

    response = staff_client.post(url, {"kind": "news", "month": "2026-05", "body_en": "<p>x</p>"})
    assert response.status_code == 200
    assert response.context["form"].errors["title_en"] == [
        "Fill in “Title” in at least one language."
    ]
    response = staff_client.post(
        url, {"kind": "news", "month": "2026-05", "title_en": "T", "body_hu": "<script>x</script>"}
    )
    assert response.context["form"].errors["body_en"] == ["The story needs some text."]
    assert Story.objects.count() == 1


def test_editing_an_edition_keeps_each_language(staff_client):
    edition = EditionFactory(title="May", title_hu="Május")
    url = reverse("newsletters:edition_update", args=[edition.pk])
    data = edit_form_data(staff_client.get(url).content)
    data.update(introduction_hu="<p>Szia<script>x</script></p>", introduction_en="<p>Hi</p>")
    assert staff_client.post(url, data).status_code == 302
    edition.refresh_from_db()
    assert (edition.title_en, edition.title_hu) == ("May", "Május")
    assert (edition.introduction_en, edition.introduction_hu) == ("<p>Hi</p>", "<p>Szia</p>")
    response = staff_client.post(url, with_version({"title_en": "", "title_hu": " "}, edition))
    assert "title_en" in response.context["form"].errors


def test_staff_pages_show_the_staff_members_language_with_fallback(staff_client):
    edition = EditionFactory(title="May news", title_hu="Májusi hírek")
    EditionItemFactory(edition=edition, title="Only English", title_hu="")
    hu = staff_client.get(edition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Májusi hírek" in hu and "Only English" in hu
    en = staff_client.get(edition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "May news" in en and "Májusi hírek" not in en


def test_story_search_finds_either_language(staff_client):
    StoryFactory(title="Green roofs", title_hu="Zöld tetők")
    url = reverse("newsletters:story_list")
    for query in ("roofs", "tetők"):
        for language in ("en", "hu"):
            page = staff_client.get(url, {"q": query}, HTTP_ACCEPT_LANGUAGE=language)
            assert len(page.context["stories"]) == 1, (query, language)


# --- Approval warns about a missing translation -------------------------------------------------


def _half_translated_edition() -> tuple[Edition, EditionItem]:
    edition = EditionFactory(title="May", title_hu="Május", introduction_hu="")
    item = EditionItemFactory(edition=edition, title="Trams", title_hu="", body_hu="<p> </p>")
    EditionItemFactory(edition=edition, title="Dropped", title_hu="", included=False)
    return edition, item


def test_approval_lists_what_is_missing_per_language_and_changes_nothing(staff_client):
    edition, _item = _half_translated_edition()
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    response = staff_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Missing in Hungarian:" in page
    for missing in ("Introduction", "Item “Trams”: title", "Item “Trams”: text"):
        assert missing in page
    assert "Dropped" not in page  # a dropped item is not sent, so not a gap
    assert "Missing in English" not in page
    assert 'name="approve_anyway"' in page
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and edition.approved_at is None

    hu = staff_client.post(url, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Magyar nyelven hiányzik:" in hu and "Jóváhagyás ennek ellenére" in hu


def _approve_anyway_form(staff_client, edition: Edition) -> dict[str, str]:
    """What the warning page's "Approve anyway" button posts."""
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    page = staff_client.post(url).content.decode()
    form = page[page.index('name="approve_anyway"') :]
    return {"approve_anyway": "1", "version": re.search(r'name="version" value="(\w+)"', form)[1]}


def test_approve_anyway_approves(staff_client, staff_user):
    edition, _item = _half_translated_edition()
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    response = staff_client.post(url, _approve_anyway_form(staff_client, edition))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED and edition.approved_by == staff_user


def test_approve_anyway_refuses_an_edition_changed_since_the_warning(staff_client):
    """The warning page carries what it showed: an edit made meanwhile (here an item's text,
    which leaves the edition's own version alone) is not approved unseen."""
    edition, item = _half_translated_edition()
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    form = _approve_anyway_form(staff_client, edition)
    item.body_en = "<p>Changed by a colleague meanwhile.</p>"
    item.save()
    response = staff_client.post(url, form, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Someone changed this edition after you reviewed it" in response.content.decode()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT and edition.approved_at is None

    staff_client.post(url, {"approve_anyway": "1"})  # a post that does not say what it saw
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT

    hu = staff_client.post(url, form, follow=True, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Valaki módosította ezt a lapszámot" in hu


def test_the_approve_button_refuses_an_edition_changed_since_the_page_was_read(staff_client):
    edition = EditionFactory()
    EditionItemFactory(edition=edition)
    page = staff_client.get(edition.get_absolute_url()).content.decode()
    version = re.search(r'name="version" value="(\w+)"', page)[1]
    EditionItemFactory(edition=edition)  # assembled again meanwhile: a new item
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    staff_client.post(url, {"version": version})
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_a_complete_edition_is_approved_without_a_question(staff_client):
    edition = EditionFactory()
    EditionItemFactory(edition=edition)
    staff_client.post(reverse("newsletters:edition_approve", args=[edition.pk]))
    edition.refresh_from_db()
    assert edition.status == Edition.Status.APPROVED


def _assembled_from_crm_records() -> Edition:
    """A month whose CRM records carry text staff typed in English only."""
    import datetime as dt

    from delegations.models import Visit
    from newsletters.assembly import edition_assemble
    from partners.models import Interaction
    from tests.delegations.factories import VisitFactory
    from tests.factories import (
        AgreementFactory,
        InteractionFactory,
        MembershipFactory,
        OrganizationFactory,
        PartnershipFactory,
    )

    VisitFactory(
        title="Mayors meet on housing",
        public_summary="Talks on social housing.",
        status=Visit.Status.COMPLETED,
        is_public=True,
        start_date=dt.date(2026, 5, 10),
        end_date=dt.date(2026, 5, 12),
    )
    AgreementFactory(
        title="MoU on trams",
        summary="Shared tram depots.",
        is_public=True,
        signed_on=dt.date(2026, 5, 20),
    )
    PartnershipFactory(
        summary="Ties since 1990.", is_public=True, established_on=dt.date(2026, 5, 3)
    )
    MembershipFactory(
        organization=OrganizationFactory(
            name="Network of tram cities", description="A network of cities."
        ),
        is_public=True,
        since=dt.date(2026, 5, 1),
    )
    InteractionFactory(
        kind=Interaction.Kind.EVENT,
        subject="Forum on mobility",
        summary="Panels and a study tour.",
        is_public=True,
        occurred_on=dt.date(2026, 6, 15),
    )
    return edition_assemble(month=dt.date(2026, 5, 1))


def test_approval_asks_about_crm_texts_copied_into_both_languages(staff_client):
    """The assembly words each item's frame in both languages but copies the text staff typed
    in one: nothing is missing, yet each such item is listed before approval."""
    edition = _assembled_from_crm_records()
    assert edition.missing_translations() == {}
    partnership = edition.items.get(kind=EditionItem.Kind.PARTNERSHIP)
    membership = edition.items.get(kind=EditionItem.Kind.MEMBERSHIP)
    assert partnership.title_en != partnership.title_hu  # translated frames, not flagged
    expected = [
        "Item “Mayors meet on housing”: title",
        "Item “Mayors meet on housing”: text",
        "Item “MoU on trams”: title",
        "Item “MoU on trams”: text",
        f"Item “{partnership.title_en}”: text",
        f"Item “{membership.title_en}”: text",
        "Item “Forum on mobility”: title",
        "Item “Forum on mobility”: text",
    ]
    with translation.override("en"):
        assert edition.untranslated_copies() == expected

    url = reverse("newsletters:edition_approve", args=[edition.pk])
    response = staff_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "Same text in both languages — translate it?" in page
    assert "Missing in" not in page
    assert "Item “Mayors meet on housing”: text" in page
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT
    hu = staff_client.post(url, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Ugyanaz a szöveg mindkét nyelven – lefordítja?" in hu
    detail = staff_client.get(edition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Same text in both languages — translate it?" in detail.content.decode()


def test_a_translated_item_and_an_empty_text_are_not_asked_about():
    edition = EditionFactory()
    item = EditionItemFactory(
        edition=edition, title="Trams", title_hu="Villamosok", body="", body_hu="<p> </p>"
    )
    assert edition.untranslated_copies() == []
    item.body_en = "<p>New trams.</p><p><em>7 Dec 2026</em></p>"
    item.body_hu = "<p>New trams.</p><p><em>2026. december 7.</em></p>"
    item.save()
    assert edition.untranslated_copies() == ["Item “Trams”: text"]  # one paragraph copied
    item.body_hu = "<p>Új villamosok.</p><p><em>2026. december 7.</em></p>"
    item.save()
    assert edition.untranslated_copies() == []


# --- The public archive and its feeds, per language ---------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def _sent_edition() -> Edition:
    import datetime as dt

    from django.utils import timezone

    edition = EditionFactory(
        month=dt.date(2026, 4, 1),
        title="April news",
        title_hu="Áprilisi hírek",
        introduction="<p>Spring in the city.</p>",
        introduction_hu="<p>Tavasz a városban.</p>",
        status=Edition.Status.SENT,
        sent_at=timezone.now(),
    )
    EditionItemFactory(edition=edition, title="Trams", title_hu="Villamosok")
    EditionItemFactory(edition=edition, title="Only in English", title_hu="")
    return edition


def test_the_archive_and_an_edition_read_in_the_readers_language(client):
    _sent_edition()
    archive = reverse("newsletters:archive")
    page = reverse("newsletters:edition_public", args=["2026-04"])
    hu = client.get(archive, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert '<html lang="hu">' in hu and "Áprilisi hírek" in hu and "April news" not in hu
    for code in ("en", "hu"):
        feed = reverse("newsletters:feed_language", args=[code])
        assert (
            f'<link rel="alternate" type="application/atom+xml" hreflang="{code}"' in hu
            and f'href="{feed}"' in hu
        )
    hu = client.get(page, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Tavasz a városban." in hu and "Villamosok" in hu
    assert "Only in English" in hu  # no Hungarian text: the English one, not a gap
    assert '<h2 class="h5" id="item-' in hu and '" lang="en">Only in English</h2>' in hu
    assert 'lang="en">Villamosok' not in hu
    en = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in en and "Spring in the city." in en and "Villamosok" not in en
    # The header switch (a cookie) chooses too.
    client.post(reverse("set_language"), {"language": "hu", "next": page})
    assert "Áprilisi hírek" in client.get(page).content.decode()


def _feed(client, url: str, **headers: str) -> ET.Element:
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_a_feed_per_language_and_the_old_address_still_works(client):
    _sent_edition()
    hu = _feed(client, reverse("newsletters:feed_language", args=["hu"]))
    assert hu.get("{http://www.w3.org/XML/1998/namespace}lang") == "hu"
    assert "hírlevél" in hu.find(f"{ATOM}title").text
    [entry] = hu.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Áprilisi hírek"
    assert "Tavasz a városban." in entry.find(f"{ATOM}summary").text

    en = _feed(client, reverse("newsletters:feed_language", args=["en"]))
    assert en.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert en.find(f"{ATOM}title").text.endswith("newsletter")
    assert [e.find(f"{ATOM}title").text for e in en.findall(f"{ATOM}entry")] == ["April news"]

    old = _feed(client, reverse("newsletters:feed"))  # the reader's language, English by default
    assert [e.find(f"{ATOM}title").text for e in old.findall(f"{ATOM}entry")] == ["April news"]
    old_hu = _feed(client, reverse("newsletters:feed"), HTTP_ACCEPT_LANGUAGE="hu")
    assert old_hu.find(f"{ATOM}entry").find(f"{ATOM}title").text == "Áprilisi hírek"

    assert client.get("/newsletter/archive/feed/xx/").status_code == 404


def test_an_address_can_ask_for_the_language_of_the_web_version(client):
    """The email's and the feed's links name the reader's language: it wins over the browser
    and the cookie; an unknown one is ignored."""
    _sent_edition()
    page = reverse("newsletters:edition_public", args=["2026-04"])
    response = client.get(f"{page}?lang=hu", HTTP_ACCEPT_LANGUAGE="en")
    hu = response.content.decode()
    assert response["Content-Language"] == "hu"
    assert '<html lang="hu">' in hu and "Áprilisi hírek" in hu and "April news" not in hu
    archive = reverse("newsletters:archive")
    assert f'href="{archive}?lang=hu"' in hu  # "All issues" stays in Hungarian
    # The header's switch returns to the page without ?lang=, or the choice would not show.
    assert f'name="next" value="{page}"' in hu

    client.post(reverse("set_language"), {"language": "hu", "next": page})
    en = client.get(f"{page}?lang=en").content.decode()
    assert '<html lang="en">' in en and "April news" in en

    for unknown in ("xx", "", "hu-HU", "<script>"):
        response = client.get(page, {"lang": unknown}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert '<html lang="hu">' in response.content.decode()  # the cookie's, as without it

    listing = client.get(f"{archive}?lang=hu", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="hu">' in listing and "Áprilisi hírek" in listing
    assert f'href="{page}?lang=hu"' in listing


def test_each_feed_links_to_its_language_and_has_its_own_ids(client):
    _sent_edition()
    page = reverse("newsletters:edition_public", args=["2026-04"])
    feeds = {}
    for code in ("en", "hu"):
        url = reverse("newsletters:feed_language", args=[code])
        other = "hu" if code == "en" else "en"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=other)
        assert response["Content-Language"] == code
        feeds[code] = ET.fromstring(response.content)
        [entry] = feeds[code].findall(f"{ATOM}entry")
        link = entry.find(f"{ATOM}link").get("href")
        assert link.endswith(f"{page}?lang={code}")
    en, hu = feeds["en"], feeds["hu"]
    assert en.find(f"{ATOM}id").text != hu.find(f"{ATOM}id").text
    assert en.find(f"{ATOM}entry/{ATOM}id").text != hu.find(f"{ATOM}entry/{ATOM}id").text


def test_the_draft_page_says_early_what_is_missing(staff_client):
    edition, _item = _half_translated_edition()
    page = staff_client.get(edition.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-missing-translations" in page and "Item “Trams”: title" in page
    complete = EditionFactory()
    EditionItemFactory(edition=complete)
    page = staff_client.get(complete.get_absolute_url()).content.decode()
    assert "data-missing-translations" not in page


# --- Terminology ----------------------------------------------------------------------------------


def _catalogue(path: str) -> dict[str, str]:
    """``{msgid: msgstr}`` of a .po file (continued lines joined; plurals left out)."""
    entries: dict[str, str] = {}
    for block in Path(path).read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'(msgid|msgstr) (".*")$', line)
            if match:
                key = match[1]
                fields[key] = ast.literal_eval(match[2])
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries[fields["msgid"]] = fields.get("msgstr", "")
    return entries


def test_an_edition_is_a_lapszam_in_every_hungarian_message():
    """One word for one thing: staff read „lapszám” for an edition, never a bare „szám”."""
    from django.conf import settings

    catalogue = _catalogue(str(settings.BASE_DIR / "locale/hu/LC_MESSAGES/django.po"))
    editions = {msgid: msgstr for msgid, msgstr in catalogue.items() if "edition" in msgid.lower()}
    assert "An empty edition cannot be approved." in editions
    assert [m for m, hu in editions.items() if "lapszám" not in hu.lower()] == []


def test_the_refusal_to_approve_an_empty_edition_says_lapszam(staff_client):
    edition = EditionFactory(introduction="", introduction_hu="")
    url = reverse("newsletters:edition_approve", args=[edition.pk])
    page = staff_client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="hu").content.decode()
    assert "Üres lapszám nem hagyható jóvá." in page
