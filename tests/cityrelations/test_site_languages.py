"""The site's languages are read in one place, ``cityrelations/core/languages.py``: the codes,
the names, the choices of a language field, and running something once under each language.
A third language in the settings reaches every caller through it."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from cityrelations.core.languages import (
    in_each_language,
    is_site_language,
    language_name,
    site_language,
    site_language_codes,
    site_languages,
)
from partners.models.base import local_city_name

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["cityrelations", "partners", "delegations", "newsletters"]
READS_THE_SETTING = re.compile(r"settings\.LANGUAGES\b")
# Besides the settings and the helpers: one model field's choices (a callable in their place
# would need a migration).
ALLOWED = {"cityrelations/settings.py", "cityrelations/core/languages.py", "newsletters/models.py"}


def test_only_the_languages_module_reads_the_sites_languages():
    readers = {
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and READS_THE_SETTING.search(path.read_text())
    }
    assert readers <= ALLOWED, sorted(readers - ALLOWED)
    choices = READS_THE_SETTING.findall((ROOT / "newsletters/models.py").read_text())
    assert len(choices) == 1


def test_a_third_language_reaches_every_helper(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]

    assert site_language_codes() == ["en", "hu", "de"]
    assert site_languages()[-1] == ("de", "German")
    assert is_site_language("de") and not is_site_language("xx") and not is_site_language("")
    assert site_language("de") == "de" and site_language("xx") == site_language(None) == "en"
    assert language_name("de") == "German"
    assert in_each_language(translation.get_language) == {"en": "en", "hu": "hu", "de": "de"}


def test_a_language_name_in_the_reader_language():
    with translation.override("hu"):
        assert language_name("en") == "angol"


def test_a_city_shows_its_hungarian_name_in_any_hungarian():
    for language, shown in [("hu", "Bécs"), ("hu-hu", "Bécs"), ("en", "Vienna")]:
        with translation.override(language):
            assert local_city_name("Vienna", "Bécs") == shown, language
    with translation.override("hu"):
        assert local_city_name("Vienna", "") == "Vienna"
