"""Staff import pages: upload -> preview (dry run) -> confirm (all or nothing).

Between preview and confirm the uploaded file is kept in the user's session (base64, at most
``MAX_BYTES``) under a random token that the confirm form posts back; nothing the client sends is
ever used as a path.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cityrelations.core.exports import spreadsheet_response

from ..forms.imports import ImportUploadForm, allowed_kinds
from ..importing import (
    FORMATS,
    KIND_LABELS,
    KIND_PERMISSIONS,
    ImportFileError,
    import_apply,
    import_preview,
    read_dataset,
    template_dataset,
)

SESSION_KEY = "partners_import"
LIST_URLS = {
    "cities": "partners:city_list",
    "partnerships": "partners:partnership_list",
    "organizations": "partners:organization_list",
    "contacts": "partners:contact_list",
}


def _require_kind(request: HttpRequest, kind: str) -> None:
    if kind not in KIND_PERMISSIONS:
        raise Http404
    if not request.user.has_perm(KIND_PERMISSIONS[kind]):
        raise PermissionDenied


def _require_some_kind(request: HttpRequest) -> None:
    """Importing anything at all needs the add permission of at least one kind (403 first)."""
    if not allowed_kinds(request.user):
        raise PermissionDenied


def _trail(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("Dashboard"), reverse("dashboard")),
        (_("Import"), reverse("partners:import")),
        *extra,
    ]


def _pending_for(request: HttpRequest, token: str) -> dict[str, Any] | None:
    """The stored upload, if ``token`` is the one issued for it in this session."""
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or not token:
        return None
    if not secrets.compare_digest(str(pending.get("token", "")), token):
        return None
    _require_kind(request, pending.get("kind", ""))
    return pending


def _dataset(pending: dict[str, Any]) -> Any:
    data = base64.b64decode(pending["data"])
    return read_dataset(data=data, fmt=pending["fmt"], kind=pending["kind"])


def _expired(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("That import is no longer pending. Upload the file again."))
    return redirect("partners:import")


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_some_kind(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "kind": form.cleaned_data["kind"],
            "fmt": form.fmt,
            "name": form.cleaned_data["file"].name[:200],
            "data": base64.b64encode(form.data_bytes).decode("ascii"),
            "clear_empty": bool(form.cleaned_data["clear_empty"]),
        }
        return redirect(f"{reverse('partners:import_preview')}?token={token}")
    templates = [(kind, KIND_LABELS[kind]) for kind in allowed_kinds(request.user)]
    return render(
        request,
        "partners/import_start.html",
        {"form": form, "templates": templates, "formats": FORMATS, "trail": _trail()},
    )


def _render_preview(
    request: HttpRequest, pending: dict[str, Any], report: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "partners/import_preview.html",
        {
            "report": report,
            "token": pending["token"],
            "file_name": pending["name"],
            "kind_label": KIND_LABELS[pending["kind"]],
            "trail": _trail((_("Preview"), "")),
        },
        status=status,
    )


@login_required
def import_preview_view(request: HttpRequest) -> HttpResponse:
    _require_some_kind(request)
    pending = _pending_for(request, request.GET.get("token", ""))
    if pending is None:
        return _expired(request)
    _require_kind(request, pending["kind"])
    try:
        report = import_preview(
            kind=pending["kind"],
            dataset=_dataset(pending),
            clear_empty=bool(pending.get("clear_empty")),
        )
    except ImportFileError:
        return _expired(request)
    return _render_preview(request, pending, report)


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    _require_some_kind(request)
    pending = _pending_for(request, request.POST.get("token", ""))
    if pending is None:
        return _expired(request)
    # Permissions may have changed since the preview.
    _require_kind(request, pending["kind"])
    try:
        report = import_apply(
            kind=pending["kind"],
            dataset=_dataset(pending),
            clear_empty=bool(pending.get("clear_empty")),
        )
    except ImportFileError:
        return _expired(request)
    if report.has_errors:
        messages.error(request, _("Nothing was imported: correct the rows listed below."))
        return _render_preview(request, pending, report, status=400)
    del request.session[SESSION_KEY]
    totals = report.totals
    messages.success(
        request,
        _("Imported %(kind)s: %(new)s new, %(update)s updated, %(skip)s unchanged.")
        % {"kind": KIND_LABELS[pending["kind"]], **totals},
    )
    try:
        return redirect(LIST_URLS[pending["kind"]])
    except NoReverseMatch:
        return redirect("partners:import")


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _require_some_kind(request)
    _require_kind(request, kind)
    if fmt not in FORMATS:
        raise Http404
    headers, rows = template_dataset(kind)
    return spreadsheet_response(filename=f"import-{kind}", headers=headers, rows=rows, fmt=fmt)
