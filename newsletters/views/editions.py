"""Staff pages for editions: list, assemble, the detail page (items, statistics, sending panel),
edit the title and introduction, edit / reorder / drop / restore items, preview, approve."""

from __future__ import annotations

from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cityrelations.core.concurrency import refuses_stale_saves
from cityrelations.core.languages import language_name
from cityrelations.core.pagination import paginate
from cityrelations.core.views import form_page

from ..assembly import (
    MissingTranslations,
    edition_approve,
    edition_assemble,
    edition_item_move,
    edition_item_set_included,
    edition_reopen,
    previous_month,
)
from ..filters import EditionFilter
from ..forms import AssembleForm, EditionForm, EditionItemForm
from ..models import Delivery, Edition, EditionItem, Subscriber
from ..sending.message import render_edition

PER_PAGE = 24


def _edition_for(pk: int) -> Edition:
    return get_object_or_404(Edition.objects.select_related("approved_by"), pk=pk)


def _item_for(edition_pk: int, pk: int) -> EditionItem:
    return get_object_or_404(
        EditionItem.all_items.select_related("edition"), edition_id=edition_pk, pk=pk
    )


def _back(item: EditionItem) -> HttpResponse:
    return redirect(f"{item.edition.get_absolute_url()}#item-{item.pk}")


def edition_stats(edition: Edition) -> dict[str, int]:
    """Recipients, sent, failed, bounced and unsubscribed since sending: one aggregate query."""
    unsubscribed = (
        Count("pk", filter=Q(subscriber__unsubscribed_at__gt=edition.sent_at))
        if edition.sent_at
        else Count("pk", filter=Q(pk__in=[]))
    )
    return Delivery.objects.filter(edition=edition).aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        bounced=Count("pk", filter=Q(subscriber__status=Subscriber.Status.BOUNCED)),
        unsubscribed=unsubscribed,
    )


@login_required
@permission_required("newsletters.view_edition", raise_exception=True)
@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    editions = Edition.objects.annotate(
        item_count=Count("items", filter=Q(items__included=True))
    ).order_by("-month")
    filterset = EditionFilter(request.GET, queryset=editions)
    page = paginate(request, filterset.qs, PER_PAGE)
    return render(
        request,
        "newsletters/edition_list.html",
        {
            "filter": filterset,
            "page": page,
            "editions": page.object_list,
            "statuses": Edition.Status.choices,
            "status": request.GET.get("status", ""),
            "assemble_form": AssembleForm(initial={"month": previous_month()}),
        },
    )


@login_required
@permission_required("newsletters.add_edition", raise_exception=True)
@require_POST
def edition_assemble_view(request: HttpRequest) -> HttpResponse:
    form = AssembleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month to assemble, e.g. 2026-05."))
        return redirect("newsletters:edition_list")
    try:
        edition = edition_assemble(month=form.cleaned_data["month"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("newsletters:edition_list")
    messages.success(request, _("“%(title)s” is assembled.") % {"title": edition.title})
    return redirect(edition)


@login_required
@permission_required("newsletters.view_edition", raise_exception=True)
@require_GET
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(pk)
    items = list(EditionItem.all_items.filter(edition=edition).order_by("order", "pk"))
    included = [item for item in items if item.included]
    return render(
        request,
        "newsletters/edition_detail.html",
        {
            "edition": edition,
            "items": included,
            "dropped": [item for item in items if not item.included],
            **(_translation_gaps(edition, included) if edition.is_editable else {}),
            "version": edition.review_version(included),
            "stats": edition_stats(edition) if edition.sending_started else None,
            "editable": edition.is_editable and request.user.has_perm("newsletters.change_edition"),
            "trail": [(_("Editions"), reverse("newsletters:edition_list")), (edition.title, "")],
        },
    )


def _edition_form_page(
    request: HttpRequest, *, edition: Edition, form: forms.BaseForm, title: str
) -> HttpResponse:
    """The generic form page for an edition or one of its items, with the edition's trail."""
    return form_page(
        request,
        form=form,
        title=title,
        cancel_url=edition.get_absolute_url(),
        trail=[
            (_("Editions"), reverse("newsletters:edition_list")),
            (edition.title, edition.get_absolute_url()),
            (title, ""),
        ],
    )


def _refuse_change(request: HttpRequest, edition: Edition) -> HttpResponse:
    messages.error(request, _("Only a draft edition can be changed."))
    return redirect(edition)


@login_required
@permission_required("newsletters.change_edition", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def edition_update(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(pk)
    if not edition.is_editable:
        return _refuse_change(request, edition)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Edition saved."))
        return redirect(edition)
    title = _("Edit “%(title)s”") % {"title": edition.title}
    return _edition_form_page(request, edition=edition, form=form, title=title)


@login_required
@permission_required("newsletters.change_edition", raise_exception=True)
@require_http_methods(["GET", "POST"])
@refuses_stale_saves
def edition_item_update(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for(pk, item_pk)
    edition = item.edition
    if not edition.is_editable:
        return _refuse_change(request, edition)
    form = EditionItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Item saved."))
        return _back(item)
    title = _("Edit item “%(title)s”") % {"title": item.title}
    return _edition_form_page(request, edition=edition, form=form, title=title)


@login_required
@permission_required("newsletters.change_edition", raise_exception=True)
@require_POST
def edition_item_move_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for(pk, item_pk)
    try:
        edition_item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(item)


@login_required
@permission_required("newsletters.change_edition", raise_exception=True)
@require_POST
def edition_item_toggle(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item_for(pk, item_pk)
    try:
        edition_item_set_included(item=item, included=not item.included)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = _("“%(title)s” restored.") if item.included else _("“%(title)s” dropped.")
        messages.success(request, message % {"title": item.title})
    return _back(item)


@login_required
@permission_required("newsletters.change_edition", raise_exception=True)
@require_POST
def edition_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve; when a text is missing in a language, first a page listing what is missing,
    whose "Approve anyway" button posts here again with ``approve_anyway``. Both forms carry
    the edition's review version: what changed since the staff member looked is not approved."""
    edition = _edition_for(pk)
    try:
        edition = edition_approve(
            edition=edition,
            by=request.user,
            despite_missing_translations=request.POST.get("approve_anyway") == "1",
            reviewed_version=request.POST.get("version"),
        )
    except MissingTranslations as warning:
        return _missing_translations_page(request, edition, warning)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” is approved.") % {"title": edition.title})
    return redirect(edition)


def _missing_by_language(missing: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """``[(code, language name, [what is missing])]`` for the templates."""
    return [(code, language_name(code), labels) for code, labels in missing.items()]


def _translation_gaps(edition: Edition, items: list[EditionItem]) -> dict[str, object]:
    """What ``_missing_translations.html`` lists: texts missing in a language, and texts that
    read the same in two languages."""
    return {
        "missing": _missing_by_language(edition.missing_translations(items)),
        "untranslated": edition.untranslated_copies(items),
    }


def _missing_translations_page(
    request: HttpRequest, edition: Edition, warning: MissingTranslations
) -> HttpResponse:
    title = _("Approve “%(title)s”?") % {"title": edition.title}
    return render(
        request,
        "newsletters/edition_approve_missing.html",
        {
            "edition": edition,
            "title": title,
            "missing": _missing_by_language(warning.missing),
            "untranslated": warning.untranslated,
            "version": warning.version,
            "trail": [
                (_("Editions"), reverse("newsletters:edition_list")),
                (edition.title, edition.get_absolute_url()),
                (title, ""),
            ],
        },
    )


@login_required
@permission_required("newsletters.change_edition", raise_exception=True)
@require_POST
def edition_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition_for(pk)
    try:
        edition = edition_reopen(edition=edition)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(title)s” is a draft again.") % {"title": edition.title})
    return redirect(edition)


# The email's HTML carries inline CSS for mail programs; this staff-only page may show it.
@login_required
@permission_required("newsletters.view_edition", raise_exception=True)
@require_GET
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def edition_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The email as subscribers get it: ``?format=html`` (default) or ``text``,
    ``?language=en|hu``; personal links are left out (a staff copy)."""
    edition = _edition_for(pk)
    language = request.GET.get("language", "en")
    subject, text, html = render_edition(edition, language=language)
    if request.GET.get("format") == "text":
        body = f"{_('Subject')}: {subject}\n\n{text}"
        return HttpResponse(body, content_type="text/plain; charset=utf-8")
    return HttpResponse(html)
