"""The catalogues of every language the site offers stay complete (issue 12, item 6).

Two ways a catalogue falls behind: a message is in it but not translated (or only fuzzily), and
a string the code marks for translation is not in it at all, because nobody ran
``makemessages`` after adding it. The first is read from the ``.po`` files; the second runs
``makemessages`` the way a maintainer would, but writes into a temporary copy of the
catalogue, never into ``locale/``. Obsolete (``#~``) entries are ignored both ways.

Every language in ``settings.LANGUAGES`` but English (the source language, which needs no
catalogue) is held to this: a third language is checked as soon as it is in the setting, and
fails until its folder exists and is complete. Adding one: see the README ("Languages").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

SOURCE_LANGUAGE = "en"
LANGUAGES = [code for code, _name in django_settings.LANGUAGES if code != SOURCE_LANGUAGE]
# djangojs: our own scripts mark no string today, so makemessages adds nothing there; the
# passkey script's messages in djangojs.po come from django-otp-webauthn and are kept by hand.
DOMAINS = ("django", "djangojs")
# Top-level folders makemessages need not read: generated or local data, and locale/ itself
# (its presence in the working directory would make makemessages write there).
NOT_SCANNED = {"locale", "var", "staticfiles", "media", "node_modules", "htmlcov"}


def catalogues(languages: list[str] = LANGUAGES) -> list[Path]:
    return sorted(
        po
        for language in languages
        for locale_dir in django_settings.LOCALE_PATHS
        for po in Path(locale_dir).glob(f"{language}/LC_MESSAGES/*.po")
    )


def incomplete(po: polib.POFile) -> list[str]:
    """The msgids of live entries that are untranslated, partly translated or fuzzy."""
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]


def msgids(path: Path) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.mark.parametrize(
    "po_path",
    catalogues(),
    ids=lambda p: str(p.relative_to(django_settings.BASE_DIR)),
)
def test_every_message_is_translated_and_none_is_fuzzy(po_path):
    missing = incomplete(polib.pofile(str(po_path)))
    assert not missing, f"{len(missing)} untranslated or fuzzy in {po_path}: {missing[:10]}"


def test_english_is_the_source_language_and_another_is_offered():
    assert django_settings.LANGUAGE_CODE == SOURCE_LANGUAGE
    assert "hu" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_are_found(language):
    names = {p.relative_to(django_settings.BASE_DIR).as_posix() for p in catalogues([language])}
    expected = {f"locale/{language}/LC_MESSAGES/{domain}.po" for domain in DOMAINS}
    assert expected <= names, (
        f"missing {sorted(expected - names)}: run `manage.py makemessages -l {language}` "
        f"(and `-d djangojs`)"
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", DOMAINS)
def test_makemessages_would_add_nothing(language, domain, tmp_path, monkeypatch, settings):
    """Run makemessages over the project's sources into a copy of the catalogue."""
    assert shutil.which("xgettext") and shutil.which("msgmerge"), (
        "gettext is not installed (make system-deps installs it)"
    )
    base = Path(settings.BASE_DIR)
    real = base / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    real_before = real.read_bytes()

    # The sources, seen through symlinks from a folder without locale/: makemessages writes
    # each file's messages into the first LOCALE_PATHS entry whose parent holds the file.
    sources = tmp_path / "src"
    sources.mkdir()
    for entry in base.iterdir():
        if not entry.name.startswith(".") and entry.name not in NOT_SCANNED:
            (sources / entry.name).symlink_to(entry)
    copy = tmp_path / "locale" / language / "LC_MESSAGES" / real.name
    copy.parent.mkdir(parents=True)
    shutil.copyfile(real, copy)

    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(sources)
    call_command("makemessages", locale=[language], domain=domain, symlinks=True, verbosity=0)

    assert real.read_bytes() == real_before, "makemessages wrote into the real catalogue"
    lacking = sorted(msgids(copy) - msgids(real), key=str)
    assert not lacking, (
        f"{len(lacking)} messages the code uses are missing from {real.name} "
        f"(run `manage.py makemessages -l {language}` and translate them): {lacking[:10]}"
    )
