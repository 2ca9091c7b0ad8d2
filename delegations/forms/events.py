"""Hosted events: the staff's event and session forms, and the public registration form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import HoneypotForm
from cityrelations.core.languages import site_languages
from cityrelations.core.pickers import PickerFormMixin, PickerMultiple
from cityrelations.core.translated import localized
from partners.models import Contact, Organization

from ..models import Event, EventSession
from .common import set_choices

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; without it, the field takes "2027-05-10T09:30"."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=DATETIME_FORMAT)


class _Translated:
    """Labels each language's column "Title (English)" / "Title (Hungarian)"; a text in one
    language is enough for each of ``required_translated`` (the other falls back to it)."""

    required_translated: tuple[str, ...] = ()
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def label_translated(self, model: Any, *names: str) -> None:
        for name in names:
            label = capfirst(model._meta.get_field(name).verbose_name)
            for code, language in site_languages():
                field = self.fields[build_localized_fieldname(name, code)]
                field.required = False
                field.label = _("%(field)s (%(language)s)") % {"field": label, "language": language}

    def missing_translated(self, model: Any) -> list[tuple[str, ValidationError]]:
        errors = []
        for name in self.required_translated:
            if not any((self.cleaned_data.get(n) or "").strip() for n in localized(name)):
                label = capfirst(model._meta.get_field(name).verbose_name)
                errors.append(
                    (
                        localized(name)[0],
                        ValidationError(
                            _("Fill in “%(field)s” in at least one language.") % {"field": label},
                            code="required",
                        ),
                    )
                )
        return errors


def _check_dates(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
    if start and end and end < start:
        form.add_error("ends_at", _("It cannot end before it starts."))


class EventForm(_Translated, PickerFormMixin, VersionedFormMixin, forms.ModelForm):
    required_translated = ("title",)

    class Meta:
        model = Event
        fields = [
            "kind",
            *localized("title"),
            *localized("description"),
            "starts_at",
            "ends_at",
            "venue",
            "capacity",
            "cohort",
            "certificate_min_share",
            "mayor_attends",
            "organizations",
            "themes",
            "sdgs",
            "budget",
            "currency",
            "slug",
        ]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in localized("description")},
            "organizations": PickerMultiple("organization"),
            "themes": forms.CheckboxSelectMultiple,
            "sdgs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_translated(Event, "title", "description")
        set_choices(self, "organizations", Organization.objects.order_by("name"))
        self.fields["slug"].required = False
        self.fields["budget"].widget.attrs["min"] = "0"
        self.fields["capacity"].widget.attrs["min"] = "1"
        # Left empty (or not on an older form): the usual 75 %.
        self.fields["certificate_min_share"].required = False

    def clean_capacity(self) -> int | None:
        capacity = self.cleaned_data.get("capacity")
        if capacity == 0:
            raise ValidationError(_("At least one seat; leave empty for no limit."))
        return capacity

    def clean_certificate_min_share(self) -> int:
        share = self.cleaned_data.get("certificate_min_share")
        return share or Event._meta.get_field("certificate_min_share").default

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, error in self.missing_translated(Event):
            self.add_error(field, error)
        _check_dates(self, cleaned)
        return cleaned


class EventSessionForm(_Translated, PickerFormMixin, forms.ModelForm):
    required_translated = ("title",)

    class Meta:
        model = EventSession
        fields = [*localized("title"), "starts_at", "ends_at", "room", "speakers"]
        widgets = {
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "speakers": PickerMultiple("contact"),
        }

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.label_translated(EventSession, "title")
        set_choices(self, "speakers", Contact.objects.order_by("last_name", "first_name"))
        self.fields["speakers"].help_text = _("Contacts who speak or teach in this session.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, error in self.missing_translated(EventSession):
            self.add_error(field, error)
        _check_dates(self, cleaned)
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and (start < self.event.starts_at or end > self.event.ends_at):
            self.add_error(None, _("The session must take place within the event's dates."))
        return cleaned

    def save(self, commit: bool = True) -> EventSession:
        self.instance.event = self.event
        return super().save(commit)


class EventStepForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


# --- The public's registration --------------------------------------------------------------


class SessionChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        from cityrelations.core.formats import format_datetime

        return f"{obj.title} · {format_datetime(obj.starts_at)}"


class RegistrationForm(HoneypotForm):
    """What a participant tells about themselves. The address is checked by email before the
    registration counts (double opt-in), so nothing here is trusted to name anyone."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    organization = forms.CharField(label=_("Organisation"), max_length=250, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sessions = SessionChoices(
        label=_("Sessions you will attend"), queryset=EventSession.objects.none(), required=False
    )
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), max_length=300, required=False
    )
    language = forms.ChoiceField(label=_("Language of our emails"), choices=site_languages)
    wants_newsletter = forms.BooleanField(
        label=_("Send me the monthly newsletter too (you will confirm it separately)"),
        required=False,
    )
    consent = forms.BooleanField(label=_("I agree"), required=True)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        sessions = self.fields["sessions"]
        assert isinstance(sessions, forms.ModelMultipleChoiceField)
        sessions.queryset = event.sessions.all()
        if not event.sessions.exists():
            del self.fields["sessions"]
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", "—"), *countries]


class RegistrationChangeForm(forms.Form):
    """What a registrant may change from their link (the address stays: it is who they are)."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    organization = forms.CharField(label=_("Organisation"), max_length=250, required=False)
    sessions = SessionChoices(
        label=_("Sessions you will attend"), queryset=EventSession.objects.none(), required=False
    )
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), max_length=300, required=False
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = self.fields["sessions"]
        assert isinstance(sessions, forms.ModelMultipleChoiceField)
        sessions.queryset = event.sessions.all()
        if not event.sessions.exists():
            del self.fields["sessions"]
