"""Bulk actions on a list's ticked rows: change a status, a person or a tag, or export them.

A list declares its actions in a :class:`BulkSpec` (in its own app); :func:`bulk_page` serves
them. A change is shown first (what each row becomes, and every row that may not change with
the reason); applying it is all or nothing: if one row is refused, nothing is applied, and if a
row is refused while applying (someone moved it on meanwhile), everything is rolled back. Each
changed row is saved as a single edit saves it, so its history records who changed what.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .history import note_change
from .transitions import TransitionError
from .views import ids_from_query, safe_next

# More rows than a page of any list shows at once; a bigger post is refused, not truncated.
MAX_ROWS = 500
EXPORT_FORMATS = {"export_csv": "csv", "export_xlsx": "xlsx"}


class RowChange(Protocol):
    """One change, applied to each ticked row."""

    def describe(self, record: Any) -> tuple[str, str]:
        """What the row shows now, and what it will show."""

    def refusal(self, record: Any, user: Any) -> str:
        """Why this row may not change ("" when it may)."""

    def apply(self, record: Any, user: Any) -> None:
        """Change the row; raise ``TransitionError`` if it may not (nothing is kept then)."""


def no_guard(record: Any) -> str:
    return ""


def _guarded(guard: Callable[[Any], str], record: Any) -> None:
    """Raise the guard's refusal (re-checked when applying: the row may have moved on)."""
    reason = guard(record)
    if reason:
        raise TransitionError(reason)


def _save_touched(record: models.Model, user: Any, *names: str) -> None:
    note_change(record, by=user)
    fields = [*names]
    if any(f.name == "updated_at" for f in record._meta.concrete_fields):
        fields.append("updated_at")
    try:
        record.validate_constraints()
    except ValidationError as error:
        raise TransitionError(" ".join(error.messages)) from error
    record.save(update_fields=fields)


@dataclass(frozen=True)
class FieldChange:
    """Set a field (a coordinator, an owner) to one value; ``shown`` names a value."""

    name: str
    value: Any
    shown: Callable[[Any], str]
    guard: Callable[[Any], str] = no_guard  # why a row may not change ("" when it may)

    def describe(self, record: Any) -> tuple[str, str]:
        return self.shown(getattr(record, self.name)), self.shown(self.value)

    def refusal(self, record: Any, user: Any) -> str:
        return self.guard(record)

    def apply(self, record: Any, user: Any) -> None:
        _guarded(self.guard, record)
        setattr(record, self.name, self.value)
        _save_touched(record, user, self.name)


@dataclass(frozen=True)
class TagChange:
    """Add ``item`` to (or remove it from) a many-to-many field such as the themes; the row is
    saved too, so that its history shows who touched it and when."""

    relation: str
    item: Any
    add: bool
    guard: Callable[[Any], str] = no_guard

    def _names(self, items: Sequence[Any]) -> str:
        return ", ".join(sorted(str(i) for i in items)) or "—"

    def describe(self, record: Any) -> tuple[str, str]:
        items = list(getattr(record, self.relation).all())  # prefetched by the spec
        after = [*items, self.item] if self.add else [i for i in items if i.pk != self.item.pk]
        if self.add and any(i.pk == self.item.pk for i in items):
            after = items
        return self._names(items), self._names(after)

    def refusal(self, record: Any, user: Any) -> str:
        return self.guard(record)

    def apply(self, record: Any, user: Any) -> None:
        _guarded(self.guard, record)
        manager = getattr(record, self.relation)
        if self.add:
            manager.add(self.item)
        else:
            manager.remove(self.item)
        _save_touched(record, user)


@dataclass(frozen=True)
class StepChange:
    """A status step through the record's own rules: ``check`` raises ``TransitionError`` when
    the step may not happen, ``step`` applies it (re-checking under a lock)."""

    target_label: str
    status_of: Callable[[Any], str]
    check: Callable[[Any, Any], None]
    step: Callable[[Any, Any], Any]

    def describe(self, record: Any) -> tuple[str, str]:
        return self.status_of(record), self.target_label

    def refusal(self, record: Any, user: Any) -> str:
        try:
            self.check(record, user)
        except TransitionError as error:
            return error.message
        return ""

    def apply(self, record: Any, user: Any) -> None:
        self.step(record, user)


@dataclass(frozen=True)
class BulkAction:
    """One entry of the action menu: ``value_field`` names the form field that holds its
    value ("" for none), ``make`` turns the cleaned form into the change."""

    label: Promise | str
    permission: str
    value_field: str
    make: Callable[[dict[str, Any]], RowChange]
    also: tuple[str, ...] = ()  # other fields it reads (a visit's cancellation comment)


@dataclass(frozen=True)
class BulkSpec:
    """A list's bulk actions. ``rows`` loads the ticked rows with what ``describe`` reads;
    ``export`` answers an export of them (the list's own export format)."""

    list_url_name: str
    noun: Callable[[int], str]  # "3 partnerships", in the reader's language
    rows: Callable[[], models.QuerySet[Any]]
    actions: dict[str, BulkAction]
    value_fields: Callable[[], dict[str, forms.Field]]
    # None: the list has no export of its own, so the selection has none either.
    export: Callable[[HttpRequest, models.QuerySet[Any], str], HttpResponse] | None
    export_allowed: Callable[[Any], bool] = lambda user: True
    checkbox_name: str = "ids"
    extra: dict[str, Any] = field(default_factory=dict)

    def allowed_actions(self, user: Any) -> list[tuple[str, str]]:
        choices = [
            (key, str(action.label))
            for key, action in self.actions.items()
            if user.has_perm(action.permission)
        ]
        if self.export is not None and self.export_allowed(user):
            choices += [
                ("export_csv", _("Export the selection (CSV)")),
                ("export_xlsx", _("Export the selection (XLSX)")),
            ]
        return choices

    def needs(self) -> dict[str, list[str]]:
        """For each action, the value fields it reads (the script shows only those)."""
        return {
            key: [name for name in (action.value_field, *action.also) if name]
            for key, action in self.actions.items()
        }


def bulk_context(request: HttpRequest, spec: BulkSpec) -> dict[str, Any]:
    """What a list's template needs for its bulk form: ``bulk_form`` is None when the user may
    do nothing with the rows (no action and no export)."""
    form = BulkForm(spec=spec, user=request.user)
    if len(form.fields["action"].choices) < 2:  # type: ignore[attr-defined]
        return {"bulk_form": None}
    return {
        "bulk_form": form,
        "bulk_needs": json.dumps(spec.needs()),
        "bulk_next": request.get_full_path(),
        "bulk_checkbox": spec.checkbox_name,
    }


class BulkForm(forms.Form):
    """The action menu and the value fields the actions need (each required by its action)."""

    action = forms.ChoiceField(label=gettext_lazy("With the selected rows"))

    def __init__(self, *args: Any, spec: BulkSpec, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulk_%s")  # the filter form above has a "status" too
        super().__init__(*args, **kwargs)
        self.spec = spec
        allowed = spec.allowed_actions(user)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", "—"), *allowed]
        needs = spec.needs()
        wanted = {name for key, _label in allowed for name in needs.get(key, [])}
        for name, value_field in spec.value_fields().items():
            if name in wanted:
                value_field.required = False
                self.fields[name] = value_field
        self.fields["action"].error_messages["invalid_choice"] = _(
            "Choose what to do with the selected rows from the list."
        )
        for name in wanted & set(self.fields):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose the new value for the selected rows from the list."
            )
        for bound in self.fields.values():
            small = isinstance(bound.widget, forms.Select) and "form-select form-select-sm"
            bound.widget.attrs.setdefault("class", small or "form-control form-control-sm")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        action = self.spec.actions.get(cleaned.get("action") or "")
        if (
            action
            and action.value_field
            and action.value_field not in self.errors  # already said why (one message)
            and cleaned.get(action.value_field) in (None, "")
        ):
            self.add_error(action.value_field, _("Choose the new value for the selected rows."))
        return cleaned


@dataclass
class PlannedRow:
    record: Any
    before: str
    after: str
    reason: str = ""


@dataclass
class BulkPlan:
    rows: list[PlannedRow]

    @property
    def refused(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.reason]

    @property
    def changing(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.reason and row.before != row.after]


def bulk_plan(*, records: Sequence[Any], change: RowChange, user: Any) -> BulkPlan:
    rows = []
    for record in records:
        before, after = change.describe(record)
        rows.append(PlannedRow(record, before, after, change.refusal(record, user)))
    return BulkPlan(rows)


def bulk_apply(*, plan: BulkPlan, change: RowChange, user: Any) -> BulkPlan:
    """Apply ``plan`` in one transaction. A refusal met on the way (a concurrent change) rolls
    back every row and comes back as the plan's refusal; nothing is ever half-applied."""
    current: PlannedRow | None = None
    try:
        with transaction.atomic():
            for current in plan.changing:
                change.apply(current.record, user)
    except TransitionError as error:
        assert current is not None
        current.reason = error.message
    return plan


def selected_ids(request: HttpRequest, spec: BulkSpec) -> list[int]:
    """The ticked rows, or every row of the page when "select all on this page" is ticked."""
    raw = request.POST.getlist(spec.checkbox_name)
    if request.POST.get("all_on_page"):
        raw += request.POST.getlist("page_ids")
    return sorted(set(ids_from_query(raw)))


def _confirm_page(
    request: HttpRequest, *, spec: BulkSpec, form: BulkForm, ids: list[int], plan: BulkPlan
) -> HttpResponse:
    action = spec.actions[form.cleaned_data["action"]]
    values = {
        name: request.POST.get(name, "")
        for name in spec.value_fields()
        if name == action.value_field or name in action.also
    }
    context = {
        "plan": plan,
        "action_label": action.label,
        "action": form.cleaned_data["action"],
        "values": values,
        "ids": ids,
        "noun": spec.noun,
        "count": len(plan.changing),
        "checkbox_name": spec.checkbox_name,
        "next": safe_next(request, ""),
        # Refused while applying (409): then it is true that nothing was changed.
        "tried": bool(request.POST.get("confirm")),
        "cancel_url": safe_next(request, _list_url(spec)),
    }
    status = 409 if plan.refused and request.POST.get("confirm") else 200
    return render(request, "cityrelations/bulk_confirm.html", context, status=status)


def _list_url(spec: BulkSpec) -> str:
    from django.urls import reverse

    return reverse(spec.list_url_name)


def _refuse(request: HttpRequest, spec: BulkSpec, message: str) -> HttpResponse:
    messages.error(request, message)
    return HttpResponseRedirect(safe_next(request, _list_url(spec)))


def bulk_page(request: HttpRequest, spec: BulkSpec) -> HttpResponse:
    """The POST of a list's bulk form: an export answers at once; a change shows what it will
    do, and applies it once confirmed (``confirm``) if no row is refused."""
    form = BulkForm(request.POST, spec=spec, user=request.user)
    posted = request.POST.get("action", "")
    offered = dict(form.fields["action"].choices)  # type: ignore[attr-defined]
    if (posted in spec.actions or posted in EXPORT_FORMATS) and posted not in offered:
        raise PermissionDenied(_("You are not allowed to do this with these rows."))
    ids = selected_ids(request, spec)
    if not ids:
        return _refuse(request, spec, _("Select at least one row first."))
    if len(ids) > MAX_ROWS:
        return _refuse(
            request, spec, _("Select at most %(max)d rows at a time.") % {"max": MAX_ROWS}
        )
    if not form.is_valid():
        # One message: the first problem (a bad action makes its value's problem moot).
        first = next(str(e) for errs in form.errors.values() for e in errs)
        return _refuse(request, spec, first)
    records = spec.rows().filter(pk__in=ids)
    key = form.cleaned_data["action"]
    if key in EXPORT_FORMATS and spec.export is not None:
        return spec.export(request, records, EXPORT_FORMATS[key])
    change = spec.actions[key].make(form.cleaned_data)
    plan = bulk_plan(records=list(records), change=change, user=request.user)
    if not request.POST.get("confirm") or plan.refused:
        return _confirm_page(request, spec=spec, form=form, ids=ids, plan=plan)
    plan = bulk_apply(plan=plan, change=change, user=request.user)
    if plan.refused:
        return _confirm_page(request, spec=spec, form=form, ids=ids, plan=plan)
    count = len(plan.changing)
    messages.success(
        request,
        ngettext("%(action)s: %(count)d row changed.", "%(action)s: %(count)d rows changed.", count)
        % {"action": spec.actions[key].label, "count": count},
    )
    return HttpResponseRedirect(safe_next(request, _list_url(spec)))
