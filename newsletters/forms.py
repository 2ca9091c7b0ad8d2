"""Forms of the newsletter: the citizens' subscribe and preferences forms, and the staff forms for
subscribers, stories and editions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from cityrelations.core.concurrency import VersionedFormMixin
from cityrelations.core.forms import HoneypotForm
from cityrelations.core.languages import is_site_language, site_languages
from cityrelations.core.translated import localized
from partners.models import Theme

from .models import Edition, EditionItem, Story, Suppression
from .sanitize import sanitize_html

if TYPE_CHECKING:  # the mixin's host, for the type checker only
    _ModelFormBase = forms.ModelForm
else:
    _ModelFormBase = object

STORY_IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_BYTES = 2 * 1024 * 1024


def topic_choices() -> QuerySet[Theme]:
    return Theme.objects.order_by("kind", "order", "name")


class SingleLineField(forms.CharField):
    """Text that ends up in email headers or greetings: a line break is refused, not stripped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strip=False, **kwargs)

    def clean(self, value: Any) -> str:
        if value and ("\n" in value or "\r" in value):
            raise ValidationError(_("Please write this on one line."), code="multiline")
        return super().clean(value.strip() if isinstance(value, str) else value)


class MonthField(forms.DateField):
    """A month written as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m", "%Y-%m-%d"])
        kwargs.setdefault("help_text", _("Year and month, e.g. 2026-05."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=topic_choices(), required=False, **kwargs)


# --- Citizens ---------------------------------------------------------------------------------


class SubscribeForm(HoneypotForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    name = SingleLineField(label=_("Name (optional)"), max_length=120, required=False)
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=site_languages)
    topics = TopicsField(
        label=_("Topics you are most interested in (optional)"),
        help_text=_("Every issue covers all topics; we use your choice to plan future issues."),
    )
    consent = forms.BooleanField(label=_("I agree to the statement above."), required=True)


class PreferencesForm(forms.Form):
    name = SingleLineField(label=_("Name (optional)"), max_length=120, required=False)
    language = forms.ChoiceField(label=_("Language of the newsletter"), choices=site_languages)
    topics = TopicsField(label=_("Topics you are most interested in"))


# --- Staff: subscribers -----------------------------------------------------------------------


class SubscriberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, name, language (en or hu), topics (separated by ;), "
            "consent_evidence, consent_date (YYYY-MM-DD). Rows without consent evidence are sent "
            "a confirmation email instead of being subscribed."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError(_("Please upload a CSV file."))
        return upload


class SuppressionAddForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    reason = forms.ChoiceField(label=_("Reason"), choices=Suppression.Reason.choices)


class SuppressionLiftForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    reason = forms.CharField(
        label=_("Reason for lifting"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this address may be mailed again, e.g. the person asked us by phone."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason."), code="required")
        return reason

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if not Suppression.objects.for_email(email).blocking_all_mail().exists():
            raise ValidationError(
                _("This address is not on the suppression list for a bounce or a complaint.")
            )
        return email


# --- Staff: stories and editions --------------------------------------------------------------


class TranslatedFieldsMixin(_ModelFormBase):
    """Mix into the ModelForm of a model registered in ``newsletters/translation.py``.

    Each translated field shows once per language, labelled "Title (English)" / "Title
    (Hungarian)" in the reader's language; none is required on its own, but each of
    ``required_translated`` needs a text in at least one language (the other falls back to it,
    and the warning before approval lists it). Rich text is sanitised per language here, so the
    form shows what will be stored."""

    required_translated: tuple[str, ...] = ()
    html_translated: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in {name.rpartition("_")[0] for name in self.fields if _is_localized(name)}:
            label = capfirst(self._meta.model._meta.get_field(name).verbose_name)
            for code, language in site_languages():
                field = self.fields[build_localized_fieldname(name, code)]
                field.required = False
                field.label = _("%(field)s (%(language)s)") % {"field": label, "language": language}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.html_translated:
            for localized_name in localized(name):
                if localized_name in cleaned:
                    cleaned[localized_name] = sanitize_html(cleaned[localized_name] or "")
        for name in self.required_translated:
            if not self.filled_in_any_language(name):
                first = localized(name)[0]
                label = capfirst(self._meta.model._meta.get_field(name).verbose_name)
                self.add_error(
                    first,
                    ValidationError(
                        _("Fill in “%(field)s” in at least one language.") % {"field": label},
                        code="required",
                    ),
                )
        return cleaned

    def filled_in_any_language(self, name: str) -> bool:
        return any((self.cleaned_data.get(n) or "").strip() for n in localized(name))


def _is_localized(name: str) -> bool:
    base, _sep, code = name.rpartition("_")
    return bool(base) and is_site_language(code)


class StoryEditor(forms.Textarea):
    """The story's text: a textarea where blank lines make paragraphs, with a small formatting
    toolbar (bold, italic, link, list) that ``static/js/story_editor.js`` shows and works; without
    JavaScript the toolbar stays hidden and the textarea works alone."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"rows": 12, "data-story-editor": "", **(attrs or {})})

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        textarea = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id", "")
        return render_to_string(
            "newsletters/_story_editor.html", {"textarea": textarea, "field_id": field_id}
        )


class StoryForm(TranslatedFieldsMixin, VersionedFormMixin, forms.ModelForm):
    month = MonthField(label=_("Month"))
    required_translated = ("title",)
    html_translated = ("body",)

    class Meta:
        model = Story
        fields = [
            *localized("title"),
            "kind",
            "month",
            *localized("body"),
            "image",
            *localized("image_alt"),
            "themes",
        ]
        widgets = {
            **{name: StoryEditor() for name in localized("body")},
            "themes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            name: _(
                "Leave a blank line between paragraphs. Use the buttons for bold, italics, links "
                "and lists, or HTML (subheadings h3 and h4, quotes); anything else is removed."
            )
            for name in localized("body")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].widget.attrs["accept"] = "image/png,image/jpeg,image/webp,image/gif"

    def clean_image(self) -> Any:
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > STORY_IMAGE_MAX_BYTES:
            raise ValidationError(_("The image is larger than 2 MB."))
        return image

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.filled_in_any_language("body"):  # also when the sanitiser removed it all
            self.add_error(localized("body")[0], _("The story needs some text."))
        if cleaned.get("image") and not self.filled_in_any_language("image_alt"):
            self.add_error(
                localized("image_alt")[0], _("Describe the image for readers who cannot see it.")
            )
        return cleaned


class EditionForm(TranslatedFieldsMixin, VersionedFormMixin, forms.ModelForm):
    required_translated = ("title",)
    html_translated = ("introduction",)

    class Meta:
        model = Edition
        fields = [*localized("title"), *localized("introduction")]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in localized("introduction")}


class EditionItemForm(TranslatedFieldsMixin, VersionedFormMixin, forms.ModelForm):
    required_translated = ("title",)
    html_translated = ("body",)

    class Meta:
        model = EditionItem
        fields = [*localized("title"), *localized("body")]
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in localized("body")}


class AssembleForm(forms.Form):
    month = MonthField(label=_("Month"))
