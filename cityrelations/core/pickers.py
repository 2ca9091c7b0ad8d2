"""The searchable picker: one widget for every choice among many rows (contacts, cities,
organisations, partnerships), single or multiple.

The page holds only the chosen values, never every option (the benchmark has 100,000
contacts). Each kind of row is a :class:`PickerSource` that the app owning the model registers
(``register_source`` in its ``AppConfig.ready()``): how to find rows by a few typed words,
how to name one, who may search it, and the URL of its search endpoint.

Without JavaScript the widget is a group of ticked boxes (the chosen values) and a text box:
words typed there are resolved when the form is sent (one match is chosen; several are offered
as boxes to tick, with the form refused until one is chosen; :class:`PickerFormMixin` turns that
into the field's error). ``static/js/picker.js`` turns the same markup into an ARIA 1.2
combobox that asks the endpoint as the user types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast, Upper
from django.db.models.lookups import Regex
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from .text import folded
from .views import ids_from_query

# How many matches one search offers; typing more words narrows them.
MATCHES_SHOWN = 15
MAX_WORDS = 4


@dataclass(frozen=True)
class PickerSource:
    """What the picker needs to know about one kind of row."""

    permission: str
    queryset: Callable[[], QuerySet[Any]]
    matches: Callable[[list[str]], Q]
    label: Callable[[Any], str] = str
    # What ``label`` reads besides the row (``select_related`` for the chosen rows' labels).
    related: tuple[str, ...] = ()
    url_name: str = "partners:option_search"

    def url(self, kind: str) -> str:
        return f"{reverse(self.url_name)}?kind={kind}"


_SOURCES: dict[str, PickerSource] = {}


def register_source(kind: str, source: PickerSource) -> None:
    _SOURCES[kind] = source


def source_for(kind: str) -> PickerSource | None:
    return _SOURCES.get(kind)


def search_words(text: str) -> list[str]:
    """The words to look for: a NUL byte (which PostgreSQL refuses in any text) is dropped, and
    so is a word that folds to nothing (a lone combining accent would match every row)."""
    words = (word for word in text.replace("\x00", "").split() if folded(word).strip())
    return list(words)[:MAX_WORDS]


def find(
    source: PickerSource,
    text: str,
    *,
    within: QuerySet[Any] | None = None,
    exclude: Iterable[int] = (),
) -> tuple[list[Any], bool]:
    """The first matches for ``text`` (every word somewhere), and whether there are more."""
    words = search_words(text)
    if not words:
        return [], False
    rows = source.queryset().filter(source.matches(words)).exclude(pk__in=list(exclude))
    if within is not None:
        rows = rows.filter(pk__in=within.values("pk"))
    found = list(rows[: MATCHES_SHOWN + 1])
    return found[:MATCHES_SHOWN], len(found) > MATCHES_SHOWN


def matches_status(count: int, more: bool, *, searched: bool = True) -> str:
    """What a screen reader hears after a search (and the no-JavaScript form shows);
    ``searched`` is False when the text held nothing to look for."""
    if not searched:
        return gettext("Type part of a name, then choose with the arrow keys and Enter.")
    if more:
        return gettext(
            "The first %(count)d matches are shown; type more of the name to narrow them."
        ) % {"count": count}
    if not count:
        return gettext("Nothing matches.")
    return ngettext("%(count)d match.", "%(count)d matches.", count) % {"count": count}


# --- Accent-forgiving lookups ---------------------------------------------------------------------

# Every accented Latin letter that folds to one base letter, as ``folded`` folds it, so that the
# database compares like the Python side ("Kraków" and "krakow" meet at "krakow").
_ACCENTED = "".join(
    char
    for code in range(0xC0, 0x180)  # Latin-1 and Latin Extended-A: the letters names use
    if len(folded(char := chr(code))) == 1 and folded(char) != char.lower()
)
_VARIANTS: dict[str, set[str]] = {}
for _char in _ACCENTED:
    _VARIANTS.setdefault(folded(_char), set()).add(_char.upper())


def accent_pattern(word: str) -> str:
    """A regular expression for the upper-cased column that matches ``word`` with or without
    accents ("kovacs" -> "K[OÓÖŐ…]V[AÁ…]CS"). PostgreSQL's trigram indexes on ``UPPER(column)``
    (partners migration 0006) serve it, so 100,000 contacts are not read one by one."""
    parts = []
    for char in folded(word):
        variants = _VARIANTS.get(char)
        if variants:
            parts.append("[" + char.upper() + "".join(sorted(variants)) + "]")
        else:
            parts.append(re.escape(char.upper()))
    return "".join(parts)


def folded_words(fields: Iterable[str], words: Iterable[str]) -> Q:
    """Every word must appear in one of ``fields``, ignoring case and accents on both sides."""
    fields = tuple(fields)
    condition = Q()
    for word in words:
        pattern = accent_pattern(word)
        any_field = Q()
        for field in fields:
            any_field |= Q(Regex(Upper(Cast(field, TextField())), pattern))
        condition &= any_field
    return condition


# --- The widget -----------------------------------------------------------------------------------


class Picker(forms.Widget):
    """A searchable choice of one row of ``kind`` (see :func:`register_source`)."""

    template_name = "cityrelations/_picker.html"
    allow_multiple_selected = False

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.choices: Any = ()
        self.problem: str = ""
        self.offered: list[Any] = []
        self.search_text = ""

    def __deepcopy__(self, memo: dict[int, Any]) -> Picker:
        copy = super().__deepcopy__(memo)
        copy.choices = self.choices
        copy.offered = []
        copy.problem = ""
        return copy

    @property
    def source(self) -> PickerSource:
        source = source_for(self.kind)
        if source is None:
            raise LookupError(f"No picker source is registered for {self.kind!r}.")
        return source

    def _field_queryset(self) -> QuerySet[Any] | None:
        return getattr(self.choices, "queryset", None)

    def _raw(self, data: Any, name: str) -> list[str]:
        getlist = getattr(data, "getlist", None)
        if getlist is not None:
            values = getlist(name)
        else:
            value = data.get(name)
            values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in ("", None)]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        chosen = self._raw(data, name)
        self.search_text = str(data.get(f"{name}__search") or "").replace("\x00", "").strip()
        self.problem, self.offered = "", []
        if not search_words(self.search_text):
            self.search_text = ""  # nothing to look for: as if nothing was typed
        if self.search_text:
            chosen = self._resolve_search(chosen)
        if self.allow_multiple_selected:
            return chosen
        return chosen[-1] if chosen else None

    def _resolve_search(self, chosen: list[str]) -> list[str]:
        """Words typed without JavaScript: one match is chosen; several are offered."""
        found, more = find(self.source, self.search_text, within=self._field_queryset())
        if len(found) == 1 and not more:
            value = str(found[0].pk)
            self.search_text = ""
            if not self.allow_multiple_selected:
                return [value]
            return chosen if value in chosen else [*chosen, value]
        if not found:
            self.problem = gettext("Nothing matches “%(text)s”. Type part of a name.") % {
                "text": self.search_text
            }
        else:
            self.offered = found
            self.problem = " ".join(
                [
                    gettext("Several match “%(text)s”: tick the one you mean, then save again.")
                    % {"text": self.search_text},
                    matches_status(len(found), more),
                ]
            )
        return chosen

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def chosen_values(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in ("", None)]

    def _labels(self, values: list[str]) -> list[tuple[str, str]]:
        ids = ids_from_query(values)
        if not ids:
            return []
        # The field's own rows: a value kept on an old record may be outside the searchable set.
        base = self._field_queryset()
        if base is None:
            base = self.source.queryset()
        found = base.select_related(*self.source.related).filter(pk__in=ids)
        rows = {str(row.pk): row for row in found}
        label = self.source.label
        field = getattr(self.choices, "field", None)
        if field is not None and type(field).label_from_instance is not (
            forms.ModelChoiceField.label_from_instance
        ):
            label = field.label_from_instance  # the field names its rows its own way
        return [(value, label(rows[value])) for value in values if value in rows]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        chosen = self._labels(self.chosen_values(value))
        chosen_values = {v for v, _ in chosen}
        offered = [
            (str(row.pk), self.source.label(row))
            for row in self.offered
            if str(row.pk) not in chosen_values
        ]
        widget = context["widget"]
        widget.update(
            kind=self.kind,
            url=self.source.url(self.kind),
            multiple=self.allow_multiple_selected,
            chosen=chosen,
            offered=offered,
            search_text=self.search_text if self.problem else "",
            optional=not self.is_required,
            describedby=" ".join(
                part
                for part in (
                    f"{widget['attrs'].get('id') or name}_hint",
                    widget["attrs"].get("aria-describedby"),
                )
                if part
            ),
        )
        return context

    def id_for_label(self, id_: str) -> str:
        return id_

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (not the form renderer's): the template translates.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class PickerMultiple(Picker):
    allow_multiple_selected = True


class PickerFormMixin:
    """Shows a picker's unresolved search (no JavaScript) as its field's error."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, field in self.fields.items():
            problem = getattr(field.widget, "problem", "")
            if problem and isinstance(field.widget, Picker):
                self.add_error(name, problem)  # type: ignore[attr-defined]
