"""Cross-app pages: dashboard, global search, the embedded-mode mailbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cityrelations.core.pagination import paginate
from cityrelations.mailbox import MailboxReader, mailbox_dir, mailbox_enabled

from .dashboard import dashboard_context
from .search import global_search

MAILBOX_PER_PAGE = 50


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "cityrelations/dashboard.html", dashboard_context(request.user))


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = global_search(query) if query else []
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
            "headers": list(message.items()),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
        },
    )
