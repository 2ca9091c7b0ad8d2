"""Merging two contacts: everything attached moves, chosen values win, all or nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from partners.forms.contacts import MergeForm
from partners.models import Contact, Membership, Office
from partners.services import contact_merge
from tests.factories import (
    CityFactory,
    ContactFactory,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    vienna = CityFactory(name="Vienna")
    keep = ContactFactory(
        first_name="Eva", last_name="Kovacs", email="eva@wien.example", city=vienna, phone=""
    )
    remove = ContactFactory(
        first_name="Éva",
        last_name="Kovács",
        email="EVA@wien.example",
        city=vienna,
        phone="+43 1 234",
        notes="Met at the Eurocities AGM.",
    )
    return keep, remove


@pytest.fixture
def attached(pair):
    """Offices, interactions (one linked to both), and a membership focal point on each side."""
    keep, remove = pair
    shared = InteractionFactory(subject="Joint meeting")
    shared.contacts.add(keep, remove)
    only_removed = InteractionFactory(subject="Call with Éva")
    only_removed.contacts.add(remove)
    return {
        "keep_office": Office.objects.create(title="Deputy mayor", contact=keep),
        "removed_office": Office.objects.create(title="Councillor", contact=remove),
        "shared": shared,
        "only_removed": only_removed,
        "keep_membership": MembershipFactory(focal_point=keep),
        "removed_membership": MembershipFactory(focal_point=remove),
    }


def test_merge_moves_everything_and_keeps_one_link(pair, attached, staff_user):
    keep, remove = pair
    removed_pk = remove.pk
    contact_merge(keep=keep, remove=remove, values={}, by=staff_user)

    assert not Contact.objects.filter(pk=removed_pk).exists()
    assert set(keep.offices.values_list("title", flat=True)) == {"Deputy mayor", "Councillor"}
    assert set(keep.interactions.all()) == {attached["shared"], attached["only_removed"]}
    assert list(attached["shared"].contacts.all()) == [keep]
    through = Contact.interactions.through
    assert through.objects.filter(interaction=attached["shared"]).count() == 1
    assert set(Membership.objects.filter(focal_point=keep)) == {
        attached["keep_membership"],
        attached["removed_membership"],
    }


def test_chosen_values_win_and_history_records_the_merge(pair, staff_user):
    keep, remove = pair
    values = {"first_name": "Éva", "phone": remove.phone, "notes": "Merged notes"}
    contact_merge(keep=keep, remove=remove, values=values, by=staff_user)
    keep.refresh_from_db()
    assert (keep.first_name, keep.last_name, keep.phone) == ("Éva", "Kovacs", "+43 1 234")
    assert keep.notes == "Merged notes"
    latest = keep.history.first()
    assert latest.history_change_reason.startswith("Merged with Éva Kovács")
    assert latest.history_user == staff_user


def test_merge_moves_relations_found_generically(pair, staff_user):
    """Every reverse relation of Contact is handled, whichever app declares it."""
    keep, remove = pair
    names = {r.get_accessor_name() for r in Contact._meta.related_objects}
    assert {"offices", "interactions", "focal_point_for"} <= names
    office = Office.objects.create(title="Envoy", contact=remove)
    contact_merge(keep=keep, remove=remove, values={}, by=staff_user)
    office.refresh_from_db()
    assert office.contact == keep
    assert office.history.first().contact_id == keep.pk


def test_merge_is_all_or_nothing(pair, attached, staff_user, monkeypatch):
    keep, remove = pair

    def fail(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Contact, "delete", fail)
    with pytest.raises(RuntimeError):
        contact_merge(keep=keep, remove=remove, values={"phone": "999"}, by=staff_user)

    assert Contact.objects.filter(pk=remove.pk).exists()
    assert Office.objects.get(title="Councillor").contact == remove
    assert set(attached["shared"].contacts.all()) == {keep, remove}
    assert list(attached["only_removed"].contacts.all()) == [remove]
    attached["removed_membership"].refresh_from_db()
    assert attached["removed_membership"].focal_point == remove
    keep.refresh_from_db()
    assert keep.phone == ""


def test_merge_refuses_unknown_fields_and_self(pair, staff_user):
    keep, remove = pair
    with pytest.raises(ValueError):
        contact_merge(keep=keep, remove=remove, values={"pk": 1}, by=staff_user)
    with pytest.raises(ValueError):
        contact_merge(keep=keep, remove=keep, values={}, by=staff_user)
    assert Contact.objects.count() == 2


# --- The merge page --------------------------------------------------------------------------


def _merge_url(a: Contact, b: Contact) -> str:
    return reverse("partners:contact_merge") + f"?a={a.pk}&b={b.pk}"


def test_comparison_page_shows_both_side_by_side(staff_client, pair):
    keep, remove = pair
    response = staff_client.get(_merge_url(keep, remove))
    assert response.status_code == 200
    body = response.content.decode()
    assert "eva@wien.example" in body and "EVA@wien.example" in body
    assert "+43 1 234" in body
    # A value only B has is preselected from B.
    assert response.context["form"]["pick_phone"].initial == "b"


def test_merge_page_merges_with_chosen_values(staff_client, pair, attached):
    keep, remove = pair
    data = {f"pick_{name}": "a" for name in MergeForm.FIELDS}
    data.update({"keep": "b", "pick_email": "b", "pick_notes": "both", "pick_phone": "b"})
    keep.notes = "Prefers German."
    keep.save()
    response = staff_client.post(_merge_url(keep, remove), data)
    # B (``remove`` in the fixture) is the record kept here.
    assert response.status_code == 302
    assert response.url == remove.get_absolute_url()
    assert not Contact.objects.filter(pk=keep.pk).exists()
    survivor = Contact.objects.get(pk=remove.pk)
    assert survivor.first_name == "Eva"
    assert survivor.email == "EVA@wien.example"
    assert survivor.notes == "Prefers German.\n\nMet at the Eurocities AGM."
    assert survivor.offices.count() == 2
    assert survivor.interactions.count() == 2
    history_tab = staff_client.get(survivor.get_absolute_url()).content.decode()
    assert f"Merged with Eva Kovacs (#{keep.pk})" in history_tab


def test_merge_from_ticked_list_rows(staff_client, pair):
    keep, remove = pair
    url = reverse("partners:contact_merge") + f"?pick={keep.pk}&pick={remove.pk}"
    assert staff_client.get(url).status_code == 200
    one = staff_client.get(reverse("partners:contact_merge") + f"?pick={keep.pk}")
    assert one.status_code == 302
    assert one.url == reverse("partners:contact_list")


def test_merge_with_itself_is_refused(staff_client, pair):
    keep, _ = pair
    response = staff_client.get(_merge_url(keep, keep))
    assert response.status_code == 302
    assert Contact.objects.filter(pk=keep.pk).exists()


def test_merge_page_incomplete_choice_shows_errors(staff_client, pair):
    keep, remove = pair
    response = staff_client.post(_merge_url(keep, remove), {"keep": "a"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Contact.objects.count() == 2


def test_mayor_cannot_merge(mayor_client, pair):
    keep, remove = pair
    assert mayor_client.get(_merge_url(keep, remove)).status_code == 403
    assert mayor_client.post(_merge_url(keep, remove), {"keep": "a"}).status_code == 403
    assert Contact.objects.count() == 2


def test_merge_keeps_organisation_choice(staff_client, pair):
    keep, remove = pair
    remove.organization = OrganizationFactory(name="Vienna City Hall")
    remove.save()
    data = {f"pick_{name}": "a" for name in MergeForm.FIELDS}
    data.update({"keep": "a", "pick_organization": "b"})
    staff_client.post(_merge_url(keep, remove), data)
    keep.refresh_from_db()
    assert keep.organization.name == "Vienna City Hall"


def test_merge_moves_relations_of_later_apps(pair, staff_user):
    """Visit participants (delegations app) move too; both on one visit leaves one participant."""
    from delegations.models import Participant
    from tests.delegations.factories import ParticipantFactory, VisitFactory

    keep, remove = pair
    both = VisitFactory(head_of_delegation=remove)
    ParticipantFactory(visit=both, contact=keep)
    ParticipantFactory(visit=both, contact=remove)
    only_removed = ParticipantFactory(contact=remove)

    contact_merge(keep=keep, remove=remove, values={}, by=staff_user)

    assert Participant.objects.filter(visit=both).count() == 1
    assert Participant.objects.get(visit=both).contact == keep
    only_removed.refresh_from_db()
    assert only_removed.contact == keep
    both.refresh_from_db()
    assert both.head_of_delegation == keep


# --- Old links of a merged contact -------------------------------------------------------------


def _merge_through_the_page(client, keep: Contact, remove: Contact) -> None:
    data = {f"pick_{name}": "a" for name in MergeForm.FIELDS}
    data["keep"] = "a"
    response = client.post(_merge_url(keep, remove), data)
    assert response.status_code == 302 and response.url == keep.get_absolute_url()


def test_a_merged_contacts_pages_redirect_to_the_survivor(staff_client, pair):
    keep, remove = pair
    old = remove.pk
    _merge_through_the_page(staff_client, keep, remove)
    for name in ("contact_detail", "contact_update"):
        response = staff_client.get(reverse(f"partners:{name}", args=[old]) + "?tab=history")
        assert response.status_code == 301, name
        assert response.url == reverse(f"partners:{name}", args=[keep.pk]) + "?tab=history"
    # an old "delete X" link never leads (by a cached permanent redirect) to deleting Y
    assert staff_client.get(reverse("partners:contact_delete", args=[old])).status_code == 404
    assert staff_client.get(reverse("partners:contact_detail", args=[old]), follow=True).context[
        "contact"
    ] == Contact.objects.get(pk=keep.pk)
    # a form posted to the old id acts on nothing: no redirect of a POST to another record
    assert staff_client.post(reverse("partners:contact_delete", args=[old])).status_code == 404
    assert Contact.objects.filter(pk=keep.pk).exists()
    # an id that never existed is still a plain 404
    assert staff_client.get(reverse("partners:contact_detail", args=[999999])).status_code == 404


def test_a_chain_of_merges_leads_to_the_last_survivor(staff_client, pair):
    first, second = pair
    third = ContactFactory(first_name="Eva", last_name="Kovacs-Nagy")
    old_first, old_second = first.pk, second.pk
    _merge_through_the_page(staff_client, second, first)  # first -> second
    _merge_through_the_page(staff_client, third, second)  # second -> third
    for old in (old_first, old_second):
        response = staff_client.get(reverse("partners:contact_detail", args=[old]))
        assert response.status_code == 301
        assert response.url == reverse("partners:contact_detail", args=[third.pk])
    # deleting the survivor ends the trail: the old ids are gone for good
    third.delete()
    assert staff_client.get(reverse("partners:contact_detail", args=[old_first])).status_code == 404


def test_redirects_follow_the_permission_checks(mayor_client, anonymous_client, pair, staff_user):
    keep, remove = pair
    old = remove.pk
    contact_merge(keep=keep, remove=remove, values={}, by=staff_user)
    detail = reverse("partners:contact_detail", args=[old])
    assert mayor_client.get(detail).status_code == 301  # the mayor's office reads contacts
    assert mayor_client.get(reverse("partners:contact_update", args=[old])).status_code == 403
    response = anonymous_client.get(detail)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- The richer value wins by default; no email or phone number is dropped (issue 13, item 11) --


def _default_picks(form: MergeForm) -> dict[str, str]:
    return {name: str(form.fields[f"pick_{name}"].initial) for name in MergeForm.FIELDS}


def test_the_richer_value_is_chosen_by_default_not_the_newer_thinner_one(staff_client):
    older = ContactFactory(
        first_name="Eva", last_name="Kovacs", honorific="Dr.", languages="de, en, hu", phone=""
    )
    newer = ContactFactory(
        first_name="Éva", last_name="Kovács", honorific="", languages="de", phone="+43 1 234"
    )
    picks = _default_picks(MergeForm(a=newer, b=older))
    assert picks["honorific"] == "b"  # filled beats empty
    assert picks["languages"] == "b"  # the longer, more complete value
    assert picks["phone"] == "a"
    assert picks["first_name"] == "a"  # as rich: the record shown first
    response = staff_client.get(_merge_url(newer, older))
    assert re.search(r'name="pick_languages" value="b"[^>]*checked', response.content.decode())


def test_two_different_notes_keep_both_by_default():
    a = ContactFactory(notes="Met in Vienna.")
    b = ContactFactory(notes="Speaks Hungarian.")
    assert _default_picks(MergeForm(a=a, b=b))["notes"] == "both"


def test_a_second_email_and_phone_are_kept_in_the_notes_and_said_so(staff_client):
    a = ContactFactory(
        last_name="Kovacs", email="eva@wien.example", phone="+43 1 234", notes="Met in 2020."
    )
    b = ContactFactory(last_name="Kovacs", email="e.kovacs@city.example", phone="+43 (1) 234")
    url = _merge_url(a, b)
    preview = staff_client.get(url).content.decode()
    # The longer email is preselected, so the other one is the one the notes will keep.
    assert "Added to the notes: email eva@wien.example" in preview
    assert "+43 (1) 234" not in preview.split('id="merge-kept-aside"')[1].split("</div>")[0]
    data = {"keep": "a", **{f"pick_{n}": "a" for n in MergeForm.FIELDS}}
    data["pick_notes"] = "a"
    response = staff_client.post(url, data)
    assert response.status_code == 302
    survivor = Contact.objects.get()
    assert survivor.email == "eva@wien.example"
    # The same phone number written differently is not repeated; the other email is kept.
    assert survivor.notes == ("Met in 2020.\nAlso email (kept when merging): e.kovacs@city.example")


def test_choosing_the_other_email_keeps_the_first_one_too(staff_client):
    a = ContactFactory(last_name="Nagy", email="a@x.example", phone="111")
    b = ContactFactory(last_name="Nagy", email="b@x.example", phone="")
    data = {"keep": "b", **{f"pick_{n}": "b" for n in MergeForm.FIELDS}}
    assert staff_client.post(_merge_url(a, b), data).status_code == 302
    survivor = Contact.objects.get()
    assert survivor.pk == b.pk and survivor.email == "b@x.example"
    assert survivor.phone == ""
    assert "a@x.example" in survivor.notes and "111" in survivor.notes
