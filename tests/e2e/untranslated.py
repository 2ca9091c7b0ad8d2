"""Is a page in the browser wholly in one language? The check the bilingual journeys run on
every page they visit (issue 12, "Tests").

The catalogues pair every English message with its Hungarian: ours in ``locale/`` (and
``locale/vendor/``), Django's and the installed packages' own. A Hungarian page that shows an
English message (a template without ``{% translate %}``, a Python string without gettext, a
third-party string nobody translated) shows one of those msgids; an English page that shows
Hungarian shows one of the msgstrs. So the check reads what a reader meets — the text of the
page (text nodes, and the whole text of small elements, so that a message split by inline tags
still counts), button values, placeholders, titles, aria-labels, alt texts, option texts and the
document title — and lists every piece that is a message of the other language.
:func:`assert_email_in` does the same for an email's subject, text and HTML part.

A message whose translation reads the same ("A" and "B" in a list) never counts, nor does a
text that is a message on both sides, nor a language's name in its own language (the language
switch). The messages of packages that ship no Hungarian count as English unless
``locale/vendor`` translates them. Messages of three words or more with placeholders
(``%(city)s``, ``%s``, ``{}``) are also matched with the placeholders filled in ("The
partnership with Vienna, Austria was created."). The catalogues are read once per test session.

Set ``JOURNEY_SHOTS=/some/folder`` to also save a full-page screenshot of each checked page, at
1280 and at 390 pixels wide.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import django
import polib
from django.apps import apps
from django.conf import settings
from django.utils.translation import get_language_info

SOURCE_LANGUAGE = "en"  # the msgids' language
SHOT_WIDTHS = (1280, 390)
# Test data that happens to be a message: the usernames of tests/conftest.py's users, shown in
# the user menu.
TEST_DATA = frozenset({"staff", "mayor"})

# What a reader meets, as a list of strings; run in the page. Scripts, styles and templates are
# not read; text hidden for now (a closed menu, a collapsed navbar, screen-reader-only text) is,
# because a reader meets it a click later.
_COLLECT_JS = """
() => {
  const skip = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.ELEMENT_NODE && skip.has(node.tagName)) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (node.data.trim()) out.push(node.data);
      continue;
    }
    const text = node.textContent;
    if (node.children.length && text.length < 400) out.push(text);
    for (const name of ["placeholder", "title", "aria-label", "alt", "data-bs-title"]) {
      const value = node.getAttribute(name);
      if (value) out.push(value);
    }
    if (node.tagName === "INPUT" && ["submit", "button", "reset"].includes(node.type) && node.value) {
      out.push(node.value);
    }
  }
  return out;
}
"""

_PLACEHOLDER = re.compile(r"%\([a-zA-Z0-9_]+\)[sdif]|%[sdif]|\{[a-zA-Z0-9_]*\}")
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Messages:
    """The messages of one language that a page in another language must not show."""

    exact: frozenset[str]
    patterns: tuple[tuple[str, str, re.Pattern[str]], ...]  # (prefix, msgid, fullmatch regex)

    def find(self, text: str) -> str | None:
        """The message ``text`` is, if it is one of these."""
        if text in self.exact:
            return text
        for prefix, msgid, pattern in self.patterns:
            if text.startswith(prefix) and pattern.fullmatch(text):
                return msgid
        return None


def catalogue_paths(language: str) -> list[Path]:
    """Every ``.po`` of ``language`` under LOCALE_PATHS (ours and locale/vendor's)."""
    return sorted(
        po
        for locale_dir in settings.LOCALE_PATHS
        for po in Path(locale_dir).glob(f"{language}/LC_MESSAGES/*.po")
    )


def _third_party_locale_dirs() -> list[Path]:
    """Django's own catalogues and those of every installed package (not ours: LOCALE_PATHS)."""
    ours = {Path(folder).resolve() for folder in settings.LOCALE_PATHS}
    folders = [Path(django.__file__).parent / "conf" / "locale"]
    folders += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    return [f for f in folders if f.is_dir() and f.resolve() not in ours]


def _entries(path: Path) -> list[polib.MOEntry] | list[polib.POEntry]:
    if path.suffix == ".mo":
        return list(polib.mofile(str(path)))
    return [e for e in polib.pofile(str(path)) if not e.obsolete and not e.fuzzy]


def _entry_pairs(entry) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(English, translation) for an entry and each of its plural forms; empty if untranslated."""
    if entry.msgid_plural:
        forms = [normalize(s) for s in entry.msgstr_plural.values() if s]
        return [(normalize(en), form) for en in (entry.msgid, entry.msgid_plural) for form in forms]
    return [(normalize(entry.msgid), normalize(entry.msgstr))] if entry.msgstr else []


def _pairs(language: str) -> list[tuple[str, str]]:
    """(English, translation) for every translated message, whitespace collapsed: ours, then
    Django's and the installed packages' own catalogues."""
    paths = catalogue_paths(language)
    for folder in _third_party_locale_dirs():
        paths += sorted(folder.glob(f"{language}/LC_MESSAGES/*.mo"))
    return [pair for path in paths for entry in _entries(path) for pair in _entry_pairs(entry)]


def _untranslated_third_party(language: str) -> set[str]:
    """The English messages of packages that ship no catalogue for ``language`` (their msgids,
    read from any other language's catalogue): English on a page unless locale/vendor
    translates them."""
    english = set()
    for folder in _third_party_locale_dirs():
        if (folder / language).is_dir():
            continue
        for other in sorted(folder.glob("*/LC_MESSAGES/*.mo"))[:1]:
            english |= {normalize(e.msgid) for e in _entries(other) if e.msgid}
            english |= {normalize(e.msgid_plural) for e in _entries(other) if e.msgid_plural}
    return english


def _pattern(message: str) -> tuple[str, re.Pattern[str]] | None:
    """A regex for ``message`` with its placeholders filled in: for 3+ words with a placeholder."""
    parts = _PLACEHOLDER.split(message)
    if len(parts) == 1 or len(message.split()) < 3:
        return None
    literal = [re.escape(part.replace("%%", "%")) for part in parts]
    return parts[0].replace("%%", "%"), re.compile(".+?".join(literal), re.S)


@functools.cache
def foreign_messages(page_language: str) -> Messages:
    """The messages that must not appear on a page in ``page_language``.

    On a page in a translated language: the English msgids whose translation differs. On an
    English page: the translations of every other language that differ from their msgid.
    A text that is a message on both sides (one message's English is another's Hungarian)
    is left out, and so is a language's own name (the language switch shows "English" and
    "magyar" in every language).
    """
    if page_language == SOURCE_LANGUAGE:
        pairs = [
            (target, source)
            for code, _name in settings.LANGUAGES
            if code != SOURCE_LANGUAGE
            for source, target in _pairs(code)
        ]
    else:
        pairs = _pairs(page_language)
        pairs += [(english, "") for english in _untranslated_third_party(page_language)]
    names = {get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES}
    # The page's own messages include those that read the same in both languages.
    own = (
        TEST_DATA | {text for _foreign, text in pairs if text} | names | {n.title() for n in names}
    )
    exact = frozenset(foreign for foreign, _text in pairs if foreign and foreign not in own)
    patterns = [(found[0], message, found[1]) for message in exact if (found := _pattern(message))]
    # Longest prefix first: the most specific message names the find.
    patterns.sort(key=lambda item: (-len(item[0]), item[1]))
    return Messages(exact=exact, patterns=tuple(patterns))


def page_texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What a reader meets on ``page`` (see the module docstring), whitespace collapsed."""
    return list(dict.fromkeys(t for t in map(normalize, page.evaluate(_COLLECT_JS)) if t))


def foreign_texts(page, language: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Each text on ``page`` that is a message of another language than ``language``."""
    return foreign(page_texts(page), language)


def foreign(texts: list[str], language: str) -> list[str]:
    """Each of ``texts`` that is a message of another language than ``language``."""
    messages = foreign_messages(language)
    found = []
    for text in texts:
        message = messages.find(text)
        if message is not None:
            found.append(text if text == message else f"{text!r} (message {message!r})")
    return found


def assert_page_in(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """Fail unless ``page`` declares ``language`` and shows no message of another language."""
    declared = page.locator("html").get_attribute("lang")
    problems = [] if declared == language else [f'<html lang="{declared}">']
    problems += foreign_texts(page, language)
    _screenshot(page, language)
    assert not problems, f"{page.url} is not wholly in {language!r}:\n  " + "\n  ".join(problems)


def assert_email_in(page, message, language: str) -> None:  # type: ignore[no-untyped-def]
    """Fail if the email ``message`` shows a message of another language than ``language``: its
    subject, each line of its text, and the texts of its HTML part (read in a second tab of
    ``page``'s browser)."""
    texts = [normalize(message.subject), *map(normalize, message.body.splitlines())]
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            tab = page.context.new_page()
            try:
                tab.set_content(content)
                texts += page_texts(tab)
            finally:
                tab.close()
    problems = foreign([text for text in texts if text], language)
    assert not problems, f"“{message.subject}” is not wholly in {language!r}:\n  " + "\n  ".join(
        problems
    )


def _screenshot(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """With JOURNEY_SHOTS set: the page at each of SHOT_WIDTHS, named by test, order and path,
    for a person to look at (a long word that overflows a phone's width, say)."""
    folder = os.environ.get("JOURNEY_SHOTS")
    if not folder or language == SOURCE_LANGUAGE:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    name = re.sub(r"[^a-z0-9]+", "-", page.url.split("//", 1)[-1].split("/", 1)[-1].lower())
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[-1].split(" ")[0]
    stem = re.sub(r"[^a-zA-Z0-9_-]+", "-", test)[:60]
    for width in SHOT_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        index = len(list(Path(folder).glob("*.png")))
        page.screenshot(
            path=f"{folder}/{index:03d}-{stem}-{name.strip('-')[:60]}-{width}.png", full_page=True
        )
    if viewport:
        page.set_viewport_size(viewport)
