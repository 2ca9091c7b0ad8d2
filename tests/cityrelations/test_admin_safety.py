"""The Django admin does not get around the app's safeguards: workflow states, audit records and
consent evidence are read-only there, uploads pass the app's checks, imports go through the app,
and calendar feed tokens stay secret.

The diplomacy unit and the mayor's office are not ``is_staff`` and cannot open the admin at all;
the read-only rules hold for administrators too, and for any staff account given permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from cityrelations.core.roles import DIPLOMACY_UNIT, MAYORS_OFFICE, sync_role_permissions
from cityrelations.mfa.testing import login_verified
from delegations.models import CalendarFeed, Visit, VisitTransition
from delegations.workflow import visit_submit
from newsletters.models import Delivery, Edition, EditionItem, Subscriber, Suppression
from partners.models import AgreementDocument, Contact
from tests.delegations.factories import VisitFactory
from tests.editing import _FormParser, edit_form_data
from tests.factories import AgreementFactory, UserFactory
from tests.newsletters.factories import EditionFactory, EditionItemFactory, SubscriberFactory
from tests.partners.test_documents import pdf_bytes
from tests.partners.test_import_limits import zip_bomb_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client() -> Client:
    client = Client()
    login_verified(client, UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _admin_form_data(html: bytes) -> dict[str, str]:
    """The fields of an admin change form as a browser would post them (one value each)."""
    parser = _FormParser()
    parser.feed(html.decode())
    form = max(parser.forms, key=len)
    return dict(form)


def _staff_admin_client(group_name: str, *extra_perms: str) -> Client:
    """An ``is_staff`` account in a role (what an administrator might create), past 2FA."""
    user = UserFactory(username=f"admin-{len(extra_perms)}-{group_name[:3]}", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    for codename in extra_perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    login_verified(client, user)
    return client


def test_the_roles_cannot_open_the_admin(staff_client, mayor_client):
    for client in (staff_client, mayor_client):
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_staff_account_with_the_units_permissions_is_held_to_the_same_rules(db):
    client = _staff_admin_client(DIPLOMACY_UNIT)
    visit = _submitted_visit()
    url = reverse("admin:delegations_visit_change", args=[visit.pk])
    form = edit_form_data(client.get(url).content)
    assert client.post(url, {**form, "status": "approved"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED

    suppression = Suppression.objects.create(email_hash="c" * 64, reason="bounced")
    delete = reverse("admin:newsletters_suppression_delete", args=[suppression.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Suppression.objects.filter(pk=suppression.pk).exists()


# --- a. visits -------------------------------------------------------------------------------


def _submitted_visit() -> Visit:
    owner = UserFactory(username="owner")
    owner.groups.add(Group.objects.get(name=DIPLOMACY_UNIT))
    return visit_submit(visit=VisitFactory(owner=owner), by=owner)


def test_the_admin_cannot_approve_a_visit(root_client):
    visit = _submitted_visit()
    url = reverse("admin:delegations_visit_change", args=[visit.pk])
    form = edit_form_data(root_client.get(url).content)
    assert "status" not in form

    response = root_client.post(url, {**form, "status": Visit.Status.APPROVED})

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED
    assert list(VisitTransition.objects.values_list("to_status", flat=True)) == ["submitted"]


def test_visit_transitions_are_read_only(root_client):
    visit = _submitted_visit()
    transition = VisitTransition.objects.get(visit=visit)
    change = reverse("admin:delegations_visittransition_change", args=[transition.pk])
    delete = reverse("admin:delegations_visittransition_delete", args=[transition.pk])

    assert root_client.get(change).status_code == 200  # shown...
    assert root_client.post(change, {"to_status": "approved"}).status_code == 403  # ...not changed
    assert root_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:delegations_visittransition_add")
    assert root_client.post(add, {"visit": visit.pk, "to_status": "approved"}).status_code == 403
    transition.refresh_from_db()
    assert transition.to_status == "submitted" and VisitTransition.objects.count() == 1


# --- b. suppressions ---------------------------------------------------------------------------


def test_the_admin_cannot_lift_add_or_change_a_suppression(root_client):
    suppression = Suppression.objects.create(email_hash="a" * 64, reason="bounced")
    delete = reverse("admin:newsletters_suppression_delete", args=[suppression.pk])
    change = reverse("admin:newsletters_suppression_change", args=[suppression.pk])

    assert root_client.post(delete, {"post": "yes"}).status_code == 403
    assert root_client.post(change, {"email_hash": "a" * 64, "reason": "erased"}).status_code == 403
    add = reverse("admin:newsletters_suppression_add")
    assert root_client.post(add, {"email_hash": "b" * 64, "reason": "bounced"}).status_code == 403
    assert list(Suppression.objects.values_list("reason", flat=True)) == ["bounced"]


def test_suppression_lifts_are_read_only(root_client):
    add = reverse("admin:newsletters_suppressionlift_add")
    assert root_client.get(add).status_code == 403


# --- c. consent evidence -----------------------------------------------------------------------


def test_consent_evidence_cannot_be_edited_in_the_admin(root_client):
    subscriber = SubscriberFactory(status=Subscriber.Status.PENDING, consent_text_shown="I agree")
    url = reverse("admin:newsletters_subscriber_change", args=[subscriber.pk])
    form = _admin_form_data(root_client.get(url).content)
    forged = {
        "status": "active",
        "consent_text_shown": "Something else",
        "consent_ip": "203.0.113.9",
        "consent_at_0": "2020-01-01",
        "consent_at_1": "10:00:00",
        "consent_evidence": "forged",
        "consent_version": "v9",
    }

    response = root_client.post(url, {**form, **forged, "name": "New name"})

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.name == "New name"  # the rest of the record is still editable
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_text_shown == "I agree"
    assert subscriber.consent_ip == "192.0.2.10"
    assert subscriber.consent_evidence == "" and subscriber.consent_version == ""
    assert subscriber.consent_at.year != 2020


# --- d. imports --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["city", "partnership", "organization", "contact"])
def test_the_admin_offers_no_import(root_client, model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:partners_{model}_import")
    changelist = root_client.get(reverse(f"admin:partners_{model}_changelist"))
    assert reverse(f"admin:partners_{model}_export") in changelist.content.decode()


def test_a_zip_bomb_posted_to_the_old_admin_import_address_is_not_read(root_client):
    bomb = SimpleUploadedFile("contacts.xlsx", zip_bomb_xlsx(megabytes=8))
    response = root_client.post(
        "/admin/partners/contact/import/", {"import_file": bomb, "format": "1"}, follow=True
    )
    # Not an import page any more: the admin answers "no such contact" and reads nothing.
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert Contact.objects.count() == 0


# --- e. agreement documents --------------------------------------------------------------------


def _document_add(client: Client, agreement, upload: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    url = reverse("admin:partners_agreementdocument_add")
    return client.post(url, {"agreement": agreement.pk, "language": "en", "file": upload})


def test_an_admin_upload_of_html_is_refused(root_client):
    page = b"<html><script>alert(document.cookie)</script></html>"
    response = _document_add(
        root_client, AgreementFactory(), SimpleUploadedFile("treaty.pdf", page, "application/pdf")
    )
    assert response.status_code == 200
    assert "not a PDF" in " ".join(response.context["adminform"].form.errors["file"])
    assert AgreementDocument.objects.count() == 0


def test_an_admin_upload_over_the_size_limit_is_refused(root_client, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    response = _document_add(
        root_client, AgreementFactory(), SimpleUploadedFile("a.pdf", pdf_bytes())
    )
    assert response.status_code == 200 and "at most" in str(response.context["adminform"].errors)
    assert AgreementDocument.objects.count() == 0


def test_an_admin_upload_records_the_detected_type_and_size(root_client):
    data = pdf_bytes()
    response = _document_add(
        root_client, AgreementFactory(), SimpleUploadedFile("Treaty.docx", data)
    )
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(data))
    assert document.file.name.endswith("/treaty.pdf")


def _inline_upload(client: Client, agreement, upload: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    url = reverse("admin:partners_agreement_change", args=[agreement.pk])
    form = edit_form_data(client.get(url).content)
    data = {**form, "documents-TOTAL_FORMS": "1", "documents-0-language": "en"}
    data["documents-0-file"] = upload
    data["documents-0-agreement"] = str(agreement.pk)
    return client.post(url, data)


def test_an_upload_in_the_agreement_inline_is_checked_too(root_client):
    fake = SimpleUploadedFile("a.pdf", b"<html></html>")
    response = _inline_upload(root_client, AgreementFactory(), fake)
    assert response.status_code == 200
    assert AgreementDocument.objects.count() == 0

    data = pdf_bytes()
    response = _inline_upload(root_client, AgreementFactory(), SimpleUploadedFile("x.odt", data))
    assert response.status_code == 302
    document = AgreementDocument.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(data))
    assert document.uploaded_by.username == "root"


# --- f. fee payments, editions, deliveries -----------------------------------------------------


def test_fee_payments_are_not_in_the_admin(root_client):
    with pytest.raises(NoReverseMatch):
        reverse("admin:partners_feepayment_changelist")


def test_a_sent_edition_and_its_items_cannot_be_changed(root_client):
    edition = EditionFactory(status=Edition.Status.SENT)
    item = EditionItemFactory(edition=edition, title="As sent")
    url = reverse("admin:newsletters_edition_change", args=[edition.pk])
    form = edit_form_data(root_client.get(url).content)

    response = root_client.post(url, {**form, "title": "Rewritten", "items-0-title": "Changed"})

    assert response.status_code == 403
    delete = reverse("admin:newsletters_edition_delete", args=[edition.pk])
    assert root_client.post(delete, {"post": "yes"}).status_code == 403
    item.refresh_from_db()
    edition.refresh_from_db()
    assert (edition.title, item.title) != ("Rewritten", "Changed")
    assert edition.status == Edition.Status.SENT


def test_a_draft_edition_cannot_be_approved_in_the_admin(root_client):
    edition = EditionFactory()
    EditionItemFactory(edition=edition)
    url = reverse("admin:newsletters_edition_change", args=[edition.pk])
    form = edit_form_data(root_client.get(url).content)
    assert "status" not in form

    response = root_client.post(url, {**form, "status": "approved", "title_en": "Edited"})

    assert response.status_code == 302
    edition.refresh_from_db()
    assert (edition.status, edition.title_en) == (Edition.Status.DRAFT, "Edited")
    assert EditionItem.all_items.filter(edition=edition).count() == 1


def test_deliveries_are_read_only(root_client):
    edition = EditionFactory(status=Edition.Status.SENT)
    delivery = Delivery.objects.create(edition=edition, subscriber=SubscriberFactory())
    change = reverse("admin:newsletters_delivery_change", args=[delivery.pk])
    response = root_client.post(
        change,
        {
            "edition": edition.pk,
            "subscriber": delivery.subscriber_id,
            "status": "sent",
            "attempts": 0,
        },
    )
    assert response.status_code == 403
    delete = reverse("admin:newsletters_delivery_delete", args=[delivery.pk])
    assert root_client.post(delete, {"post": "yes"}).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.QUEUED


# --- g. calendar feed tokens -------------------------------------------------------------------


def test_the_admin_never_shows_a_calendar_feed_token(root_client):
    feed = CalendarFeed.objects.create(user=UserFactory(username="someone"))
    for url in (
        reverse("admin:delegations_calendarfeed_changelist"),
        reverse("admin:delegations_calendarfeed_change", args=[feed.pk]),
    ):
        response = root_client.get(url)
        assert response.status_code == 200
        assert feed.token not in response.content.decode()


def test_calendar_feeds_are_for_superusers_only(db):
    feed = CalendarFeed.objects.create(user=UserFactory(username="someone"))
    client = _staff_admin_client(MAYORS_OFFICE, "view_calendarfeed", "change_calendarfeed")
    url = reverse("admin:delegations_calendarfeed_change", args=[feed.pk])
    assert client.get(url).status_code == 403
    changelist = client.get(reverse("admin:delegations_calendarfeed_changelist"))
    assert changelist.status_code == 403


def test_no_role_holds_calendar_feed_permissions(db):
    sync_role_permissions()
    for name in (DIPLOMACY_UNIT, MAYORS_OFFICE):
        codenames = Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        assert not [c for c in codenames if c.endswith("_calendarfeed")], name
