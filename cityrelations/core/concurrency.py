"""Optimistic locking: two people editing the same record never silently overwrite each other.

Every edited model mixes in ``Versioned``: a ``version`` column that each save increments. An
edit form (``VersionedFormMixin``) carries the version it was opened at, plus a signed snapshot
of the values it showed, in two hidden fields. Saving it is a conditional update
(``UPDATE … SET version = n + 1 WHERE pk = … AND version = n``), so of two concurrent saves
only one can win; the other raises ``StaleVersion``. Before that, the form compares the posted
version with the record's: when a field on the form changed meanwhile, the save is refused
with what changed (old → new, who and when, from django-simple-history), and the form comes
back with the user's own changes on top of the current version, so saving again applies them.
A change to fields that are not on the form (a status changed in place) merges silently:
nothing the user saw was overwritten.

Every other save (admin, services, in-place buttons, imports) still bumps the version with
``version = version + 1`` in the same statement, so any form opened before it is stale.
``QuerySet.update()`` and ``bulk_update()`` do not: one that touches a field an edit form shows
must set ``version=F("version") + 1`` itself (today's only ones change edition status and order,
which no edit form shows).
``refuses_stale_saves`` wraps an edit view: the rare save that loses the race after its form
was checked is rolled back and the view runs again, which then shows the conflict.

Chosen over django-concurrency: that package raises on every stale save anywhere (a workflow
step would become a 500), says nothing about what changed, and does not list Django 5.2.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import signing
from django.db import models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cityrelations.core.formats import format_date, format_datetime

if TYPE_CHECKING:  # the mixins' hosts, for the type checker only
    from django.contrib.admin import ModelAdmin

    _FormBase = forms.ModelForm
    _AdminBase = ModelAdmin
else:
    _FormBase = _AdminBase = object

VERSION_FIELD = "version"
BASE_FIELD = "version_base"
_RETRIES = 3


class StaleVersion(Exception):
    """A conditional save found the row at another version: someone saved it meanwhile."""

    def __init__(self, instance: models.Model) -> None:
        super().__init__(f"{instance._meta.label} {instance.pk} changed meanwhile")
        self.instance = instance


class Versioned(models.Model):
    """Mix into an edited model (first in the bases): a version every save increments."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Per save, not columns: the version the next save may replace, and the one this save does.
    _expected_version: int
    _version_condition: int | None

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self._state.adding or (update_fields is not None and not update_fields):
            # New rows start at 1 (a re-saved copy, e.g. a history revert, is bumped in SQL by
            # ``_do_update``); ``update_fields=[]`` saves nothing, so nothing moves on.
            super().save(*args, **kwargs)
            return
        # Set by an edit form (or ``expect_version``): this save may only replace that version.
        expected = self.__dict__.pop("_expected_version", None)
        previous = self.version
        self.version = (expected if expected is not None else previous) + 1
        if update_fields:
            kwargs["update_fields"] = {*update_fields, VERSION_FIELD}
        self._version_condition = expected
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = previous
            raise
        finally:
            del self._version_condition

    # Not annotated: django-stubs 6 describes Django 6's signature (with returning_fields).
    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_version_condition", None)
        if expected is None:
            # Not from a form: bump in SQL so that concurrent saves still each count.
            values = [
                (field, model, F(VERSION_FIELD) + 1 if field.name == VERSION_FIELD else value)
                for field, model, value in values
            ]
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, True
        )
        if not updated:
            raise StaleVersion(self)
        return updated


def expect_version(instance: Versioned, version: int | None) -> None:
    """The next save of ``instance`` replaces only ``version`` (for services that re-read the
    row under a lock before saving what an edit form submitted)."""
    if version is not None:
        instance._expected_version = version


def refuses_stale_saves(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an edit view: all or nothing, and a save that lost the race runs the view again
    (on the fresh record, whose form then shows the conflict with the user's input)."""

    @functools.wraps(view)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":  # only a save can lose a race
            return view(request, *args, **kwargs)
        for _attempt in range(_RETRIES - 1):
            try:
                with transaction.atomic():
                    return view(request, *args, **kwargs)
            except StaleVersion:
                continue
        with transaction.atomic():
            return view(request, *args, **kwargs)

    # Copied onto the outer decorators by functools.wraps: a test checks every edit view has it.
    wrapper.refuses_stale_saves = True  # type: ignore[attr-defined]
    return wrapper


# --- Comparing values --------------------------------------------------------------------------


def _norm(value: Any) -> Any:
    """A JSON-able, comparable form of a form value: initial (from the model) and cleaned
    (from the post) values of the same field normalise to the same thing."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return sorted(str(_norm(item)) for item in value)
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.replace(second=0, microsecond=0).isoformat()
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return str(value)


def _display(field: forms.Field, value: Any) -> str:
    """A normalised value as the user would read it."""
    if isinstance(field, forms.BooleanField):
        return gettext("yes") if value else gettext("no")
    if value in ("", []):
        return gettext("(empty)")
    if isinstance(field, forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        assert field.queryset is not None  # set by every model choice field on a form
        model = field.queryset.model
        pks = value if isinstance(value, list) else [value]
        names = sorted(str(obj) for obj in model._default_manager.filter(pk__in=pks))
        return ", ".join(names) or ", ".join(pks)
    if isinstance(field, forms.ChoiceField):
        labels = {str(key): label for key, label in _flat_choices(field.choices)}
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if isinstance(field, forms.DateTimeField):
        try:
            return format_datetime(dt.datetime.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if isinstance(field, forms.DateField):
        try:
            return format_date(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    # Translators: a value the user typed, quoted in the edit-conflict message (Hungarian: „…”).
    return gettext("“%(value)s”") % {"value": Truncator(str(value)).chars(120)}


def _flat_choices(choices: Any) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((key, label))
    return flat


# --- Who changed it ----------------------------------------------------------------------------


def _changers(instance: models.Model, since: int, names: list[str]) -> dict[str, Any]:
    """For each field name: the history record of the last change to it after version
    ``since`` (or the last record at all, when the history cannot tell that field apart)."""
    history = getattr(instance, "history", None)
    if history is None:
        return {}
    records = list(
        history.filter(version__gt=since).select_related("history_user").order_by("history_date")
    )
    if not records:
        return {}
    before = history.filter(version__lte=since).order_by("-history_date").first()
    concrete = {f.name: f.attname for f in instance._meta.concrete_fields}
    changers: dict[str, Any] = {}
    for name in names:
        attname = concrete.get(name)
        previous, last = before, None
        for record in records:
            if (
                attname is None
                or previous is None
                or getattr(record, attname) != getattr(previous, attname)
            ):
                last = record
            previous = record
        changers[name] = last or records[-1]
    return changers


def _changed_line(label: str, old: str, new: str, record: Any) -> str:
    values = {"field": label, "old": old, "new": new}
    if record is None:
        return gettext("%(field)s: was %(old)s, now %(new)s") % values
    when = timezone.localtime(record.history_date)
    values["time"] = (
        formats.date_format(when, "TIME_FORMAT")
        if when.date() == timezone.localdate()
        else format_datetime(when)
    )
    user = record.history_user
    if user is None:
        return gettext("%(field)s: was %(old)s, now %(new)s, changed at %(time)s") % values
    values["user"] = user.get_full_name() or user.get_username()
    return gettext("%(field)s: was %(old)s, now %(new)s, changed by %(user)s at %(time)s") % values


# --- The form ----------------------------------------------------------------------------------


class _VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False  # bookkeeping, not the user's data (keeps ``changed_data`` meaningful)


class _BaseField(forms.CharField):
    widget = forms.HiddenInput

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


class VersionedFormMixin(_FormBase):
    """Mix into a ModelForm of a ``Versioned`` model (before ``forms.ModelForm``)."""

    # A post without a version is refused (it could be anything, from any time). The admin's
    # forms relax this for its pages that do not carry one (simple-history's "revert").
    version_required = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version_conflict = False
        self._show_current: dict[str, Any] = {}
        if self.instance._state.adding:
            return
        self.fields[VERSION_FIELD] = _VersionField(required=False, initial=self.instance.version)
        # A callable: computed when the form is rendered, not on every post.
        self.fields[BASE_FIELD] = _BaseField(required=False, initial=self._signed_snapshot)

    # What the form showed, as the base for telling "changed by me" from "changed meanwhile".

    def _compared_names(self) -> list[str]:
        return [
            name
            for name, field in self.fields.items()
            if name not in (VERSION_FIELD, BASE_FIELD) and not isinstance(field, forms.FileField)
        ]

    def _current_values(self) -> dict[str, Any]:
        return {
            name: _norm(self.get_initial_for_field(self.fields[name], name))
            for name in self._compared_names()
        }

    def _salt(self, version: int) -> str:
        return f"cityrelations.core.concurrency:{self.instance._meta.label}:{self.instance.pk}:{version}"

    def _signed_snapshot(self) -> str:
        salt = self._salt(self.instance.version)
        return signing.dumps(self._current_values(), salt=salt, compress=True)

    def _posted_base(self, version: int) -> dict[str, Any] | None:
        try:
            return signing.loads(
                self.data.get(self.add_prefix(BASE_FIELD), ""), salt=self._salt(version)
            )
        except signing.BadSignature:
            return None

    # The check, after the form's own validation.

    @property
    def expected_version(self) -> int | None:
        """The version this save may replace (for services that save the form's data)."""
        return getattr(self.instance, "_expected_version", None)

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and VERSION_FIELD in self.fields:
            self._check_version()

    def _check_version(self) -> None:
        current_version = self.instance.version
        posted = self.cleaned_data.get(VERSION_FIELD)
        if posted is None and not self.version_required:
            return
        if posted == current_version:
            self.instance._expected_version = current_version
            return
        base = self._posted_base(posted) if posted is not None else None
        current = self._current_values()
        if base is not None and posted is not None and posted < current_version:
            meanwhile = [n for n in current if base.get(n) != current[n]]
            if not meanwhile:
                # Only fields this form does not show changed: nothing the user saw is lost.
                self.instance._expected_version = current_version
                return
            self._refuse(current, base, meanwhile, posted)
        else:
            self._refuse_unknown_base(current)

    def _yours(self, name: str) -> Any:
        cleaned = self.cleaned_data
        return _norm(cleaned[name]) if name in cleaned else None

    def _refuse(self, current: dict, base: dict, meanwhile: list[str], posted: int) -> None:
        changers = _changers(self.instance, posted, meanwhile)
        lines = [
            _changed_line(
                str(self.fields[name].label or name),
                _display(self.fields[name], base.get(name, "")),
                _display(self.fields[name], current[name]),
                changers.get(name),
            )
            for name in meanwhile
        ]
        # The user's own changes stay; what they did not touch shows the current value.
        untouched = [n for n in current if self._yours(n) == base.get(n)]
        self._show(untouched)
        intro = gettext(
            "Someone else saved this record after you opened this form, so your changes "
            "were not saved. What changed meanwhile:"
        )
        outro = gettext(
            "The form below shows your changes on top of the current version: check them "
            "and save again to apply them."
        )
        self._add_conflict(intro, lines, outro)

    def _refuse_unknown_base(self, current: dict) -> None:
        differing = [n for n in current if self._yours(n) not in (None, current[n])]
        lines = [
            gettext("%(field)s: yours %(yours)s, saved %(current)s")
            % {
                "field": self.fields[n].label or n,
                "yours": _display(self.fields[n], self._yours(n)),
                "current": _display(self.fields[n], current[n]),
            }
            for n in differing
        ]
        self._show([])
        intro = gettext(
            "This form did not say which version of the record it was based on (or the "
            "record changed since), so nothing was saved. Where your input differs from the "
            "saved record:"
        )
        outro = gettext("Check the form below and save again to apply your input.")
        self._add_conflict(intro, lines, outro)

    def _show(self, names: list[str]) -> None:
        """Render these fields, and the version, from the current record, not the post."""
        self._show_current = {
            self.add_prefix(n): self.get_initial_for_field(self.fields[n], n) for n in names
        }
        self._show_current[self.add_prefix(VERSION_FIELD)] = self.instance.version
        self._show_current[self.add_prefix(BASE_FIELD)] = self._signed_snapshot()

    def _widget_data_value(self, widget: forms.Widget, html_name: str) -> Any:
        if html_name in self._show_current:
            return self._show_current[html_name]
        return super()._widget_data_value(widget, html_name)  # type: ignore[misc]

    def _add_conflict(self, intro: str, lines: list[str], outro: str) -> None:
        self.version_conflict = True
        items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        message = format_html(
            '<span data-version-conflict>{}</span><ul class="mb-1">{}</ul>{}', intro, items, outro
        )
        self.add_error(None, message)

    def save(self, commit: bool = True) -> Any:
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            return super().save(commit=True)


# --- The admin ---------------------------------------------------------------------------------


class VersionedAdminForm(VersionedFormMixin, forms.ModelForm):
    version_required = False


ADMIN_TEMPLATE = "admin/versioned_change_form.html"


class VersionedAdminMixin(_AdminBase):
    """Mix into the ModelAdmin of a ``Versioned`` model (first in the bases): its change page
    carries the version, so a stale admin save is refused like a stale front-end one."""

    form = VersionedAdminForm
    change_form_template = ADMIN_TEMPLATE

    def _parent_change_form_template(self) -> str:
        for klass in type(self).__mro__:
            template = klass.__dict__.get("change_form_template")
            if template and template != ADMIN_TEMPLATE:
                return template
        return "admin/change_form.html"

    def render_change_form(self, request: Any, context: dict, *args: Any, **kwargs: Any) -> Any:
        context["versioned_parent_template"] = self._parent_change_form_template()
        return super().render_change_form(request, context, *args, **kwargs)

    def changeform_view(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        for _attempt in range(_RETRIES - 1):
            try:
                return super().changeform_view(request, *args, **kwargs)
            except StaleVersion:
                continue
        return super().changeform_view(request, *args, **kwargs)
