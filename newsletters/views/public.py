"""Citizens' pages (no login): subscribe, confirm, preferences, data export, erase, one-click
unsubscribe, and the public archive of sent editions.

Links from emails carry signed tokens (see tokens.py). Opening a link never changes anything by
itself: mail scanners fetch links in advance, so confirm, erase and unsubscribe ask for one
button press (a POST). The unsubscribe POST also works with no cookie and no CSRF token, because
mail programs send it on the reader's behalf (RFC 8058 one-click).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import mimetypes
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cityrelations.core.client_ip import client_ip
from cityrelations.core.languages import in_requested_language, language_url, requested_language

from ..forms import PreferencesForm, SubscribeForm
from ..models import ConsentText, Edition, EditionItem, Story, Subscriber
from ..subscriptions import (
    subscriber_confirm,
    subscriber_erase,
    subscriber_export_data,
    subscriber_subscribe,
    subscriber_unsubscribe,
    subscriber_update_preferences,
)
from ..throttle import subscribe_attempt_allowed
from ..tokens import InvalidToken, make_token, read_token


def _link_problem(request: HttpRequest, error: InvalidToken) -> HttpResponse:
    """A clear page for a broken link: 410 if it expired or was used, 400 if it is not ours."""
    gone = isinstance(error.__cause__, signing.SignatureExpired) or "used" in str(error)
    return render(
        request,
        "newsletters/public/link_invalid.html",
        {"gone": gone},
        status=410 if gone else 400,
    )


def _speak_their_language(request: HttpRequest, language: str) -> None:
    """Pages opened from an email speak the subscriber's language, unless the visitor chose one
    with the language switcher."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def _with_subscriber(purpose: str) -> Callable:
    """Decorator: read the token in the path, or answer with the broken-link page."""

    def decorator(view: Callable) -> Callable:
        def wrapped(request: HttpRequest, token: str) -> HttpResponse:
            try:
                subscriber = read_token(token, purpose)
            except InvalidToken as error:
                return _link_problem(request, error)
            _speak_their_language(request, subscriber.language)
            return view(request, subscriber, token)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    consent = ConsentText.objects.first()
    language = translation.get_language() or "en"
    # The consent statement is shown (and so recorded) in the page's language.
    consent_language = "hu" if language.startswith("hu") else "en"
    form = SubscribeForm(
        request.POST or None, initial={"language": "hu" if language.startswith("hu") else "en"}
    )
    if request.method == "POST":
        if form.honeypot_filled():
            return redirect("newsletters:subscribe_done")
        if form.is_valid():
            # Counted only when valid: typing mistakes at a shared stand cost nothing.
            allowed = subscribe_attempt_allowed(
                email=form.cleaned_data["email"], ip=client_ip(request)
            )
            if not allowed:
                return render(request, "newsletters/public/rate_limited.html", status=429)
            # The same new address sent twice at once: the other request won and sent the
            # confirmation; this one answers the same.
            with contextlib.suppress(IntegrityError):
                subscriber_subscribe(
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    language=form.cleaned_data["language"],
                    topics=form.cleaned_data["topics"],
                    consent_text=consent,
                    consent_language=consent_language,
                    ip=client_ip(request),
                )
            return redirect("newsletters:subscribe_done")
    consent_text = consent.text_for(consent_language) if consent else ""
    return render(
        request,
        "newsletters/public/subscribe.html",
        {"form": form, "consent": consent, "consent_text": consent_text},
    )


@require_GET
def subscribe_done(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletters/public/subscribe_done.html")


@never_cache
@require_http_methods(["GET", "POST"])
@_with_subscriber("confirm")
def confirm(request: HttpRequest, subscriber: Subscriber, token: str) -> HttpResponse:
    if request.method == "POST":
        subscriber = subscriber_confirm(subscriber=subscriber)
        return render(
            request,
            "newsletters/public/confirmed.html",
            {"preferences_token": make_token(subscriber, "preferences")},
        )
    return render(request, "newsletters/public/confirm.html", {"subscriber": subscriber})


@never_cache
@require_http_methods(["GET", "POST"])
@_with_subscriber("preferences")
def preferences(request: HttpRequest, subscriber: Subscriber, token: str) -> HttpResponse:
    initial = {
        "name": subscriber.name,
        "language": subscriber.language,
        "topics": list(subscriber.topics.all()),
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscriber_update_preferences(subscriber=subscriber, **form.cleaned_data)
        _speak_their_language(request, subscriber.language)
        messages.success(request, _("Your preferences are saved."))
        return redirect("newsletters:preferences", token=token)
    return render(
        request,
        "newsletters/public/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "token": token,
            "unsubscribe_token": make_token(subscriber, "unsubscribe"),
        },
    )


@never_cache
@require_GET
@_with_subscriber("preferences")
def export_data(request: HttpRequest, subscriber: Subscriber, token: str) -> HttpResponse:
    data = subscriber_export_data(subscriber=subscriber)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-newsletter-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@_with_subscriber("preferences")
def erase(request: HttpRequest, subscriber: Subscriber, token: str) -> HttpResponse:
    if request.method == "POST":
        subscriber_erase(subscriber=subscriber)
        return render(request, "newsletters/public/erased.html")
    return render(
        request, "newsletters/public/erase.html", {"subscriber": subscriber, "token": token}
    )


@csrf_exempt  # RFC 8058: mail programs POST here without our cookie or token
@never_cache
@require_http_methods(["GET", "POST"])
@_with_subscriber("unsubscribe")
def unsubscribe(request: HttpRequest, subscriber: Subscriber, token: str) -> HttpResponse:
    if request.method == "POST":
        subscriber_unsubscribe(subscriber=subscriber)
        return render(request, "newsletters/public/unsubscribed.html")
    return render(request, "newsletters/public/unsubscribe.html", {"subscriber": subscriber})


# --- Archive ----------------------------------------------------------------------------------


def _language_query(request: HttpRequest) -> str:
    """The query that keeps the language the address asked for on the archive's links
    (``?lang=hu``), or "" when it asked for none."""
    language = requested_language(request)
    return language_url("", language) if language else ""


@require_GET
@in_requested_language
def archive(request: HttpRequest) -> HttpResponse:
    editions = Edition.objects.sent().order_by("-month")
    return render(
        request,
        "newsletters/public/archive.html",
        {"editions": editions, "language_query": _language_query(request)},
    )


def sent_edition_for(month: str) -> Edition:
    """The sent edition of "YYYY-MM", with its included items, or 404."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = dt.date(year, number, 1)
    except ValueError as error:
        raise Http404("No such month.") from error
    items = Prefetch("items", queryset=EditionItem.objects.order_by("order", "pk"))
    return get_object_or_404(Edition.objects.sent().prefetch_related(items), month=first)


def _story_images(items: list[EditionItem]) -> dict[int, Story]:
    """Stories with an image, by the pk of the edition item that came from them (one query)."""
    story_ids = {
        item.pk: int(item.source_key.partition(":")[2])
        for item in items
        if item.source_key.startswith("newsletters.story:")
        and item.source_key.partition(":")[2].isdigit()
    }
    stories = Story.objects.exclude(image="").in_bulk(set(story_ids.values()))
    return {item_pk: stories[pk] for item_pk, pk in story_ids.items() if pk in stories}


@require_GET
@in_requested_language
def edition_public(request: HttpRequest, month: str) -> HttpResponse:
    """The web version of a sent edition, in the reader's language or the one its address asks
    for (``?lang=hu``: the email's and the feed's links)."""
    edition = sent_edition_for(month)
    items = list(edition.items.all())
    images = _story_images(items)
    return render(
        request,
        "newsletters/public/edition.html",
        {
            "edition": edition,
            "entries": [(item, images.get(item.pk)) for item in items],
            "language_query": _language_query(request),
        },
    )


def story_image_for(request: HttpRequest, pk: int) -> tuple[Story, bool]:
    """The story whose image this request may see, and whether that image is public.

    The public sees only images of stories in a sent edition (an unpublished story's image is
    not public by guessing its id); staff who read stories see every image. A 404 either way,
    so the public cannot tell a draft from a missing story."""
    stories = Story.objects.exclude(image="")
    story = stories.in_sent_edition().filter(pk=pk).first()
    if story is not None:
        return story, True
    if request.user.has_perm("newsletters.view_story"):
        return get_object_or_404(stories, pk=pk), False
    raise Http404("No such image.")


@require_GET
def story_image(request: HttpRequest, pk: int) -> FileResponse:
    """A story's image: public once the story is in a sent edition, staff-only before."""
    story, public = story_image_for(request, pk)
    try:
        handle = story.image.open("rb")
    except FileNotFoundError as error:
        raise Http404("The image file is missing.") from error
    content_type = mimetypes.guess_type(story.image.name or "")[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise Http404("Not an image.")
    response = FileResponse(handle, content_type=content_type)
    # A draft's image must not stay in a shared cache after staff looked at it.
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response
