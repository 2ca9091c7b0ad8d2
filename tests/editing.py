"""Posting an edit form as the browser would: with the version the form carries."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.db import models


def with_version(data: dict[str, Any], obj: models.Model) -> dict[str, Any]:
    """``data`` plus the hidden ``version`` of an edit form of ``obj`` opened now (read from the
    database, so it is the current one: the post is not stale)."""
    manager = type(obj)._base_manager
    version = manager.filter(pk=obj.pk).values_list("version", flat=True).get()
    return {**data, "version": version}


class _FormParser(HTMLParser):
    """The fields a browser would submit from each ``<form>`` of a page (no JavaScript)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._fields = []
            self.forms.append(self._fields)
        if self._fields is None or ("disabled" in a and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((name, a.get("value") or "on"))
                return
            self._fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._fields = None


def edit_form_data(html: bytes | str) -> dict[str, Any]:
    """What submitting the page's edit form (the one with a hidden ``version``) would post,
    as a dict for the test client (a list for a field with several values)."""
    return form_data(html, field="version")


def form_data(html: bytes | str, *, field: str) -> dict[str, Any]:
    """What submitting the page's form that has ``field`` would post (see edit_form_data)."""
    parser = _FormParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    for fields in parser.forms:
        if any(name == field for name, _value in fields):
            data: dict[str, Any] = {}
            for name, value in fields:
                if name in data:
                    previous = data[name]
                    data[name] = (
                        [*previous, value] if isinstance(previous, list) else [previous, value]
                    )
                else:
                    data[name] = value
            return data
    raise AssertionError(f"No form with a {field} field on this page")
