"""Demo data for the newsletter (idempotent): subscribers in every state, stories, last month's
assembled draft, and a sent edition two months back so that the public archive is not empty."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from partners.models import Theme

from ..assembly import edition_assemble, previous_month
from ..models import ConsentText, Delivery, Edition, Story, Subscriber, Suppression, email_hash

S = Subscriber.Status
# (email, name, language, status, source, evidence, topic slugs' positions)
SUBSCRIBERS = [
    ("anna.kovacs@mail.example", "Kovács Anna", "hu", S.ACTIVE, "web", "", (0, 2)),
    ("bela.nagy@mail.example", "Nagy Béla", "hu", S.ACTIVE, "web", "", (1,)),
    ("csilla.toth@mail.example", "Tóth Csilla", "hu", S.ACTIVE, "web", "", ()),
    ("david.szabo@mail.example", "Szabó Dávid", "hu", S.ACTIVE, "web", "", (3, 4)),
    (
        "eva.horvath@mail.example",
        "Horváth Éva",
        "hu",
        S.ACTIVE,
        "import",
        "Paper form at the Budapest Days stand, 12 April 2026",
        (0,),
    ),
    ("ferenc.varga@mail.example", "Varga Ferenc", "hu", S.ACTIVE, "web", "", (5,)),
    ("emma.wilson@mail.example", "Emma Wilson", "en", S.ACTIVE, "web", "", (0, 1)),
    ("lukas.gruber@mail.example", "Lukas Gruber", "en", S.ACTIVE, "web", "", (2,)),
    (
        "sofia.rossi@mail.example",
        "Sofia Rossi",
        "en",
        S.ACTIVE,
        "import",
        "Signed attendance list, Eurocities Culture Forum 2026",
        (),
    ),
    ("jan.novak@mail.example", "Jan Novák", "en", S.ACTIVE, "web", "", (4,)),
    ("marie.dubois@mail.example", "Marie Dubois", "en", S.ACTIVE, "web", "", (1, 3)),
    ("piotr.kowalski@mail.example", "Piotr Kowalski", "en", S.ACTIVE, "staff", "", ()),
    ("gabor.kiss@mail.example", "Kiss Gábor", "hu", S.PENDING, "web", "", (0,)),
    ("helen.smith@mail.example", "", "en", S.PENDING, "web", "", ()),
    ("ivan.petrov@mail.example", "Ivan Petrov", "en", S.PENDING, "import", "", ()),
    ("judit.molnar@mail.example", "Molnár Judit", "hu", S.UNSUBSCRIBED, "web", "", (2,)),
    ("tom.baker@mail.example", "Tom Baker", "en", S.UNSUBSCRIBED, "web", "", ()),
    ("bounce.test@mail.example", "", "en", S.BOUNCED, "web", "", ()),
    ("laszlo.farkas@mail.example", "Farkas László", "hu", S.BOUNCED, "web", "", ()),
    ("complaint@mail.example", "", "en", S.COMPLAINED, "web", "", ()),
]
SUPPRESSION_REASONS = {
    S.UNSUBSCRIBED: Suppression.Reason.UNSUBSCRIBED,
    S.BOUNCED: Suppression.Reason.BOUNCED,
    S.COMPLAINED: Suppression.Reason.COMPLAINED,
}
# Each story in English and in Hungarian, as the unit writes them: (kind, {language: (title, body)}).
STORIES = [
    (
        Story.Kind.BEST_PRACTICE,
        {
            "en": (
                "Cooling the city with trees: lessons from Vienna",
                "<p>Vienna's <strong>Coole Straßen</strong> programme lowers summer temperatures "
                "with shade trees, water features and light-coloured paving. Our urban planners "
                "visited three of its streets and brought ideas home for the Grand Boulevard.</p>",
            ),
            "hu": (
                "Fákkal hűtött város: mit tanulhatunk Bécstől?",
                "<p>Bécs <strong>Coole Straßen</strong> („hűs utcák”) programja árnyat adó "
                "fákkal, vízjátékokkal és világos burkolattal enyhíti a nyári hőséget. "
                "Várostervezőink három ilyen utcát jártak végig, és ötleteket hoztak haza a "
                "Nagykörút megújításához.</p>",
            ),
        },
    ),
    (
        Story.Kind.URBAN_INNOVATION,
        {
            "en": (
                "A digital twin for public transport",
                "<p>Helsinki models its tram network as a <em>digital twin</em> to test "
                "timetable changes before they reach passengers. BKV experts will join the "
                "pilot's next phase.</p>",
            ),
            "hu": (
                "Digitális iker a közösségi közlekedésben",
                "<p>Helsinki <em>digitális ikerként</em> modellezi a villamoshálózatát, így a "
                "menetrend változásait még azelőtt kipróbálhatja, hogy az utasok találkoznának "
                "velük. A BKV szakemberei a kísérleti projekt következő szakaszában "
                "csatlakoznak.</p>",
            ),
        },
    ),
    (
        Story.Kind.NEWS,
        {
            "en": (
                "Budapest joins the Eurocities culture working group",
                "<p>The city's cultural department now takes part in the working group of the "
                '<a href="https://eurocities.eu/">Eurocities</a> culture forum.</p>',
            ),
            "hu": (
                "Budapest csatlakozik az Eurocities kulturális munkacsoportjához",
                "<p>A főváros kulturális szakterülete mostantól részt vesz az "
                '<a href="https://eurocities.eu/">Eurocities</a> kulturális fórumának '
                "munkacsoportjában.</p>",
            ),
        },
    ),
]
INTRODUCTION = {
    "en": "<p>Dear readers,</p><p>this month our city welcomed partners from across Europe, "
    "signed new agreements and learnt from other cities' good ideas. Here is what happened.</p>",
    "hu": "<p>Kedves Olvasóink!</p><p>Ebben a hónapban Európa számos városából fogadtunk "
    "partnereket, új megállapodásokat írtunk alá, és más városok jó ötleteiből is tanultunk. "
    "Íme, mi történt.</p>",
}


def _in_each_language(field: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{code}": text for code, text in texts.items()}


def _month_back(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _subscribers(consent: ConsentText) -> int:
    themes = list(Theme.objects.order_by("kind", "order", "name")[:6])
    now = timezone.now()
    created = 0
    for index, (email, name, language, status, source, evidence, topics) in enumerate(SUBSCRIBERS):
        if Subscriber.objects.by_email(email).exists():
            continue
        consent_at = now - dt.timedelta(days=200 - index * 9)
        confirmed = status not in (S.PENDING,) and not (source == "import" and evidence)
        subscriber = Subscriber(
            email=email,
            name=name,
            language=language,
            status=status,
            consent_at=now - dt.timedelta(days=index % 5) if status == S.PENDING else consent_at,
            consent_ip=f"192.0.2.{10 + index}" if source == "web" else None,
            consent_source=source,
            consent_evidence=evidence,
            confirmed_at=consent_at + dt.timedelta(minutes=7) if confirmed else None,
            unsubscribed_at=now - dt.timedelta(days=3) if status == S.UNSUBSCRIBED else None,
        )
        subscriber.record_consent_text(None if evidence else consent, language=language)
        subscriber.save()
        subscriber.topics.set([themes[i] for i in topics if i < len(themes)])
        if status in SUPPRESSION_REASONS:
            Suppression.objects.get_or_create(
                email_hash=email_hash(email), defaults={"reason": SUPPRESSION_REASONS[status]}
            )
        created += 1
    return created


def _stories(month: dt.date) -> None:
    for kind, texts in STORIES:
        Story.objects.get_or_create(
            title_en=texts["en"][0],
            defaults={
                "kind": kind,
                "month": month,
                **_in_each_language("title", {code: title for code, (title, _b) in texts.items()}),
                **_in_each_language("body", {code: body for code, (_t, body) in texts.items()}),
            },
        )


def _sent_edition(month: dt.date) -> Edition:
    """An edition already sent, with deliveries, so that the archive and statistics show."""
    edition = Edition.objects.filter(month=month).first()
    if edition is not None and edition.status != Edition.Status.DRAFT:
        return edition
    edition = edition_assemble(month=month)
    sent_at = timezone.make_aware(dt.datetime.combine(_month_back(month, -1), dt.time(9, 30)))
    for field, text in _in_each_language("introduction", INTRODUCTION).items():
        setattr(edition, field, text)
    edition.status = Edition.Status.SENT
    edition.approved_at = sent_at - dt.timedelta(days=1)
    edition.sending_started_at = sent_at
    edition.sent_at = sent_at + dt.timedelta(minutes=4)
    edition.save()
    recipients = Subscriber.objects.exclude(status=S.PENDING)
    Delivery.objects.bulk_create(
        [
            Delivery(
                edition=edition,
                subscriber=subscriber,
                status=Delivery.Status.FAILED
                if subscriber.email.startswith("bounce")
                else Delivery.Status.SENT,
                attempts=1,
                queued_at=sent_at,
                claimed_at=sent_at,
                sent_at=sent_at + dt.timedelta(minutes=2),
                message_id=f"<demo-{subscriber.pk}-{edition.pk}@cityrelations.example>",
                last_error="550 5.1.1 mailbox unknown"
                if subscriber.email.startswith("bounce")
                else "",
            )
            for subscriber in recipients
        ],
        ignore_conflicts=True,
    )
    return edition


@transaction.atomic
def seed_newsletters() -> dict[str, int]:
    consent = ConsentText.objects.first() or ConsentText.objects.create(
        version="demo",
        text_en="I agree to receive the newsletter.",
        text_hu="Hozzájárulok a hírlevél küldéséhez.",
    )
    created = _subscribers(consent)
    last_month = previous_month()
    _sent_edition(_month_back(last_month, 1))
    _stories(last_month)
    draft = Edition.objects.filter(month=last_month).first()
    if draft is None or draft.status == Edition.Status.DRAFT:
        draft = edition_assemble(month=last_month)
        if not draft.introduction:
            introduction = _in_each_language("introduction", INTRODUCTION)
            for field, text in introduction.items():
                setattr(draft, field, text)
            draft.save(update_fields=[*introduction, "updated_at"])
    return {
        "subscribers created": created,
        "subscribers": Subscriber.objects.count(),
        "stories": Story.objects.count(),
        "editions": Edition.objects.count(),
    }
