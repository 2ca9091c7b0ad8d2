"""Visit requests: receiving one from the public form, and the staff's triage steps.

new → accepted (a draft visit is made from the request) / declined (a courteous answer is sent in
the requester's language) / referred (to someone else, with a note). Each step locks the
request's row and re-reads its state, so a double click or two people at once apply it once:
accepting again returns the visit the first click made; declining again sends no second email.
Emails are enqueued on commit (``core.tasks``) and built by ``core.mail.make_message``.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cityrelations.core.tasks import enqueue_on_commit
from cityrelations.core.transitions import TransitionError, WrongState
from partners.document_checks import DocumentType, stored_filename
from partners.models import City, Contact, Organization

from . import tasks
from .models import Participant, Visit, VisitRequest, VisitRequestReply
from .models.requests import fill_placeholders

Status = VisitRequest.Status

ORGANIZATION_KINDS: dict[str, str] = {
    VisitRequest.RequesterKind.EMBASSY: Organization.Kind.EMBASSY,
    VisitRequest.RequesterKind.CITY: Organization.Kind.OTHER,
    VisitRequest.RequesterKind.ORGANIZATION: Organization.Kind.OTHER,
}


# --- Receiving ------------------------------------------------------------------------------


def visit_request_submit(
    *,
    request: VisitRequest,
    letter: UploadedFile | None,
    letter_kind: DocumentType | None,
    ip: str | None,
) -> VisitRequest:
    """Store a request from the public form (its fields filled in, not saved yet) with the
    evidence of when and from where it came, and its letter; the acknowledgement goes after
    commit. If the row cannot be written, the stored file is removed."""
    request.consent_at = timezone.now()
    request.consent_ip = ip
    request.status = Status.NEW
    try:
        with transaction.atomic():
            if letter is not None and letter_kind is not None:
                letter.name = stored_filename(letter.name or "", letter_kind)
                request.letter.save(letter.name, letter, save=False)
                request.letter_size = letter.size or 0
            request.save()
            enqueue_on_commit(tasks.send_visit_request_acknowledgement, request.pk)
    except Exception:
        if request.letter.name:
            request.letter.storage.delete(request.letter.name)
        raise
    return request


# --- The queue ------------------------------------------------------------------------------


def status_counts() -> dict[str, int]:
    """How many requests are in each state (one query)."""
    counts = VisitRequest.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
    )
    return {status: counts[status] or 0 for status in Status.values}


def new_request_count() -> int:
    return VisitRequest.objects.filter(status=Status.NEW).count()


# --- Triage ---------------------------------------------------------------------------------


def _locked(request: VisitRequest) -> VisitRequest:
    return VisitRequest.objects.select_for_update().get(pk=request.pk)


def _refuse(locked: VisitRequest) -> None:
    raise WrongState(
        _("This request is now “%(status)s”: it was already handled.")
        % {"status": locked.get_status_display()}
    )


def _mark(locked: VisitRequest, *, status: str, by: Any, fields: list[str]) -> None:
    locked.status = status
    locked.triaged_by = by if getattr(by, "is_authenticated", False) else None
    locked.triaged_at = timezone.now()
    locked.save(update_fields=["status", "triaged_by", "triaged_at", *fields])


def match_city(*, name: str, country: str) -> City | None:
    """The city of that name (the gazetteer's or the Hungarian one, in any letter case) in the
    country, or a new one: a second request from the same city finds the first one's."""
    name = " ".join(name.split())
    if not name or not country:
        return None
    found = (
        City.objects.filter(country=country)
        .filter(Q(name__iexact=name) | Q(name_hu__iexact=name))
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    city, _created = City.objects.get_or_create(name=name, country=country, region="")
    return city


def match_organization(*, name: str, kind: str, country: str, city: City | None) -> Organization:
    """The organisation of that name in any letter case (names are unique), or a new one."""
    name = " ".join(name.split())
    found = Organization.objects.filter(name__iexact=name).order_by("pk").first()
    if found is not None:
        return found
    organization, _created = Organization.objects.get_or_create(
        name=name,
        defaults={
            "kind": ORGANIZATION_KINDS.get(kind, Organization.Kind.OTHER),
            "country": country,
            "city": city,
        },
    )
    return organization


def match_contact(
    *, request: VisitRequest, organization: Organization, city: City | None
) -> Contact:
    """The contact with the requester's address (in any letter case), or a new one."""
    found = Contact.objects.filter(email__iexact=request.email).order_by("pk").first()
    if found is not None:
        return found
    return Contact.objects.create(
        first_name=request.first_name,
        last_name=request.last_name,
        email=request.email,
        organization=organization,
        city=city,
        languages=request.language,
    )


def _visit_title(request: VisitRequest) -> str:
    if request.direction == VisitRequest.Direction.OUTGOING:
        return _("Invitation from %(organisation)s") % {"organisation": request.organization_name}
    return _("Visit of %(organisation)s") % {"organisation": request.organization_name}


def _visit_purpose(request: VisitRequest) -> str:
    lines = [request.purpose.strip()]
    if request.dates_note.strip():
        lines.append(_("Dates: %(note)s") % {"note": request.dates_note.strip()})
    lines.append(_("Size of the delegation: %(size)s") % {"size": request.delegation_size})
    return "\n\n".join(lines)


def visit_request_accept(*, request: VisitRequest, by: Any) -> Visit:
    """Accept a new request: a draft visit owned by ``by``, with the request's direction, level,
    dates and purpose, its organisation and city (matched or created), and the requester as a
    contact (matched by address or created) and, when they come to us, as a participant.
    Accepting an accepted request again returns its visit and changes nothing."""
    with transaction.atomic():
        locked = _locked(request)
        if locked.status == Status.ACCEPTED and locked.visit_id is not None:
            return Visit.objects.get(pk=locked.visit_id)
        if locked.status != Status.NEW:
            _refuse(locked)
        city = match_city(name=locked.city_name, country=str(locked.country))
        organization = match_organization(
            name=locked.organization_name,
            kind=locked.requester_kind,
            country=str(locked.country),
            city=city,
        )
        contact = match_contact(request=locked, organization=organization, city=city)
        visit = Visit.objects.create(
            direction=locked.direction,
            title=_visit_title(locked)[:250],
            purpose=_visit_purpose(locked),
            level=locked.level,
            start_date=locked.date_from,
            end_date=locked.date_to,
            owner=by if getattr(by, "is_authenticated", False) else None,
            status=Visit.Status.DRAFT,
        )
        if city is not None:
            visit.cities.add(city)
        visit.organizations.add(organization)
        if locked.direction == VisitRequest.Direction.INCOMING:
            Participant.objects.create(visit=visit, contact=contact, role=locked.role[:120])
        locked.visit = visit
        _mark(locked, status=Status.ACCEPTED, by=by, fields=["visit"])
    request.status, request.visit = locked.status, visit
    return visit


def reply_draft(request: VisitRequest) -> tuple[str, str]:
    """The reply template's subject and text in the requester's language, filled in."""
    subject, body = VisitRequestReply.current().for_language(request.language)
    with translation.override(request.language):
        return fill_placeholders(subject, request), fill_placeholders(body, request)


def visit_request_decline(
    *, request: VisitRequest, by: Any, subject: str, body: str, note: str = ""
) -> VisitRequest:
    """Decline a new request and send ``subject`` / ``body`` to the requester after commit.
    Declining a declined request again sends nothing."""
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise TransitionError(_("The answer needs a subject and a text."))
    with transaction.atomic():
        locked = _locked(request)
        if locked.status == Status.DECLINED:
            return locked
        if locked.status != Status.NEW:
            _refuse(locked)
        locked.reply_subject, locked.reply_body = subject[:200], body
        locked.triage_note = note.strip()
        _mark(
            locked,
            status=Status.DECLINED,
            by=by,
            fields=["reply_subject", "reply_body", "triage_note"],
        )
        enqueue_on_commit(tasks.send_visit_request_reply, locked.pk)
    request.status = locked.status
    return locked


def visit_request_refer(
    *, request: VisitRequest, by: Any, referred_to: str, note: str = ""
) -> VisitRequest:
    """Record that a new request was passed on to ``referred_to`` (another office, a ministry)."""
    referred_to = " ".join(referred_to.split())
    if not referred_to:
        raise TransitionError(_("Say whom the request was referred to."))
    with transaction.atomic():
        locked = _locked(request)
        if locked.status == Status.REFERRED:
            return locked
        if locked.status != Status.NEW:
            _refuse(locked)
        locked.referred_to, locked.triage_note = referred_to[:200], note.strip()
        _mark(locked, status=Status.REFERRED, by=by, fields=["referred_to", "triage_note"])
    request.status = locked.status
    return locked
