"""Cross-app pages: dashboard, health check, the embedded-mode mailbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .dashboard import dashboard_context
from .mailbox import MailboxReader, mailbox_dir, mailbox_enabled
from .search import global_search


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


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database (and broker, when configured) reachability, for load balancers and compose."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means "not healthy"; say which
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {exc.__class__.__name__}"
    else:
        checks["broker"] = "not configured (tasks run in-process)"
    healthy = all(v == "ok" or v.startswith("not configured") for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
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
    page = Paginator(reader.messages(), 50).get_page(request.GET.get("page"))
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
