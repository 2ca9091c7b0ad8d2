"""Cross-app pages: dashboard, global search, the embedded-mode mailbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import pgettext_lazy

from cityrelations.core.pagination import paginate
from cityrelations.core.search import MAX_QUERY_LENGTH
from cityrelations.mailbox import MailboxReader, mailbox_dir, mailbox_enabled

from .dashboard import dashboard_context
from .saved_views import dashboard_saved_views
from .search import global_search

MAILBOX_PER_PAGE = 50


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request.user)
    context["saved_views_panel"] = dashboard_saved_views(request.user)
    return render(request, "cityrelations/dashboard.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = global_search(query, request.user) if query else []
    return render(
        request,
        "cityrelations/search.html",
        {
            "query": query,
            "results": results,
            "total": sum(r.total for r in results),
            "capped": any(r.capped for r in results),
        },
    )


def _mailbox_reader(request: HttpRequest) -> MailboxReader:
    if not mailbox_enabled():
        raise Http404("The local mailbox exists only in debug mode with no EMAIL_URL.")
    return MailboxReader(request.user)


@login_required
def mailbox(request: HttpRequest) -> HttpResponse:
    """The embedded mode's outbox, newest first: the reader's own mail and, for the diplomacy
    unit, mail to citizens (see mailbox.py for who reads what)."""
    reader = _mailbox_reader(request)
    page = paginate(request, reader.messages(), MAILBOX_PER_PAGE)
    rows = [
        {
            "name": message.name,
            "to": message.headers["To"],
            "subject": message.headers["Subject"],
            "date": message.headers["Date"],
        }
        for message in page.object_list
    ]
    return render(
        request,
        "cityrelations/mailbox.html",
        {"page": page, "rows": rows, "folder": str(mailbox_dir())},
    )


# The headers a reader reads, named in their language; the rest (Message-ID, MIME-Version…) are
# the protocol's own names and stay as they are.
_HEADER_LABELS = {
    "date": pgettext_lazy("email header", "Date"),
    "from": pgettext_lazy("email header", "From"),
    "to": pgettext_lazy("email header", "To"),
    "cc": pgettext_lazy("email header", "Cc"),
    "reply-to": pgettext_lazy("email header", "Reply-To"),
    "subject": pgettext_lazy("email header", "Subject"),
}


def _readable_headers(items: Iterable[tuple[str, Any]]) -> list[tuple[str, str]]:
    """``[(label, value)]``: a walk-through found "Subject", "From" and an English
    "Mon, 07 Dec 2026 15:59:05 -0000" on the Hungarian page; the date is shown as every other
    date is (the header's parsed value, in the site's time zone)."""
    rows = []
    for name, value in items:
        label = _HEADER_LABELS.get(name.lower(), name)
        shown = str(value)
        moment = getattr(value, "datetime", None)  # a parsed Date header
        if moment is not None:
            if timezone.is_naive(moment):  # "-0000": UTC, its zone unknown to the sender
                moment = moment.replace(tzinfo=dt.UTC)
            shown = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        rows.append((str(label), shown))
    return rows


@login_required
def mailbox_message(request: HttpRequest, name: str) -> HttpResponse:
    stored = _mailbox_reader(request).message(name)
    if stored is None:  # missing, or not the reader's: the same answer
        raise Http404
    message = stored.full()
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return render(
        request,
        "cityrelations/mailbox_message.html",
        {
            "name": name,
            "headers": _readable_headers(message.items()),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        },
    )
