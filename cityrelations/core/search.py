"""Search that forgives: letter case, accents and (on PostgreSQL) a typo.

A record is found through its *document*: some of its text columns joined with spaces and
folded by the database function ``cr_fold`` (lower case, accents removed: "Kraków Krakkó" ->
"krakow krakko"). Every word typed is folded by the same function, so "KRAKOW", "krakkó" and
"Kraków" are the same word to the search, and every word must appear in the document.

- PostgreSQL: ``cr_fold`` is an IMMUTABLE SQL wrapper around ``unaccent`` (partners migration
  ``0015_forgiving_search`` creates it with the ``unaccent`` and ``pg_trgm`` extensions), so
  each model's document has a GIN trigram index (``gin_trgm_ops``) that serves both the
  substring test (``LIKE``) and the typo test (``%>``: the word is similar to a word of the
  document, so "viena" finds Vienna). Results are ranked by trigram word similarity.
- SQLite (``make run``): ``cr_fold`` is :func:`~cityrelations.core.text.folded`, registered on
  every connection; words are matched as substrings (no typo tolerance, no index: the embedded
  mode's tables are small).

An index serves a query only if it is built on the very expression the query uses, so models
and their migrations build documents through :func:`folded_document` alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, Self, TypeVar

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connections, models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat

from .text import folded

FOLD_FUNCTION = "cr_fold"
MAX_WORDS = 6
MAX_WORD_LENGTH = 40
MAX_QUERY_LENGTH = 200
# A word this short has no trigram of its own (an index cannot serve it) and is mostly a particle
# ("of", "de", "la"): it counts only when the query has no longer word.
MIN_WORD_LENGTH = 3
# Typos are forgiven only in words this long: "vien" would otherwise also find "wien", "bien"…
MIN_TYPO_LENGTH = 5

# The function behind ``Fold`` on PostgreSQL. IMMUTABLE (unaccent itself is only STABLE, as its
# dictionary could change) so that it may stand in an index expression; the dictionary is named
# with its schema so that the result does not depend on the search_path.
POSTGRESQL_FOLD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""


class Fold(models.Func):
    """``cr_fold(text)``: the text without letter case or accents (see the module's note)."""

    function = FOLD_FUNCTION
    output_field = models.TextField()


def folded_document(*fields: str) -> Fold:
    """The folded text a search matches: ``fields`` joined by spaces. Indexes are built on this
    expression (see the migrations named in the module's note), so keep the two in step."""
    parts: list[Any] = []
    for name in fields:
        if parts:
            parts.append(Value(" "))
        parts.append(Coalesce(F(name), Value(""), output_field=models.TextField()))
    joined = parts[0] if len(parts) == 1 else Concat(*parts, output_field=models.TextField())
    return Fold(joined)


def search_words(query: str) -> list[str]:
    """The words a query searches for: letters and digits only, at most MAX_WORDS of at most
    MAX_WORD_LENGTH characters; one- and two-letter words ("of", "de") only when there is
    nothing longer, but numbers always."""
    words = [w[:MAX_WORD_LENGTH] for w in re.findall(r"[^\W_]+", query[:MAX_QUERY_LENGTH])]
    kept = [w for w in words if len(w) >= MIN_WORD_LENGTH or w.isdigit()]  # "Bench City 12"
    return (kept or words)[:MAX_WORDS]


def uses_postgresql(queryset: models.QuerySet[Any]) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def word_matches(document: Any, word: str, *, typos: bool = False) -> Q:
    """Rows whose ``document`` (an expression) contains ``word``, folded; with ``typos``, also
    those with a word similar to it (PostgreSQL's ``%>``), for a typo in a longer word."""
    typed = Fold(Value(word))
    condition = Q(models.lookups.Contains(document, typed))
    if typos and len(word) >= MIN_TYPO_LENGTH:
        condition |= Q(_TrigramWordSimilar(document, typed))
    return condition


class _TrigramWordSimilar(models.Lookup):
    """``document %> word``: the word is similar to some word of the document
    (``pg_trgm.word_similarity_threshold``, 0.6 by default). Index-served by ``gin_trgm_ops``."""

    lookup_name = "forgiving_trigram_word_similar"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %%> {rhs}", [*lhs_params, *rhs_params]

    def get_prep_lookup(self) -> Any:
        return self.rhs


_QS = TypeVar("_QS", bound=models.QuerySet[Any])


def all_words_match(
    queryset: _QS,
    query: str,
    document: Any,
    alternatives: Callable[[str, bool], Q] | None = None,
    *,
    typos: bool = False,
) -> _QS:
    """``queryset`` narrowed to rows where every word of ``query`` is in ``document``, or
    satisfies ``alternatives(word, typos)`` (a related record's name, for instance). A query
    without words leaves the queryset as it is."""
    typos = typos and uses_postgresql(queryset)
    for word in search_words(query):
        condition = word_matches(document, word, typos=typos)
        if alternatives is not None:
            condition |= alternatives(word, typos)
        queryset = queryset.filter(condition)
    return queryset


def with_rank(queryset: _QS, query: str, document: Any) -> _QS:
    """``search_rank``: how well the whole query matches the document, 0 to 1 (PostgreSQL's
    trigram word similarity; 0 everywhere on SQLite, where the list's own order decides)."""
    if not uses_postgresql(queryset):
        return queryset.annotate(search_rank=Value(0.0, output_field=models.FloatField()))
    typed = Fold(Value(" ".join(search_words(query))))
    # The stubs say str; Django wraps anything without resolve_expression() in Value().
    return queryset.annotate(
        search_rank=TrigramWordSimilarity(typed, document)  # type: ignore[arg-type]
    )


_M = TypeVar("_M", bound=models.Model)


class ForgivingSearchQuerySet(models.QuerySet[_M]):
    """``search(query)``: the one search of a model, used by its list's search box and by the
    global search alike, so that "show all" on the search page lists the same records."""

    # The columns of the model's search document; its index migration lists the same ones.
    search_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def search_document(cls) -> Fold:
        return folded_document(*cls.search_fields)

    def search_alternatives(self, word: str, typos: bool) -> Q:
        """Other ways a record matches one word (through a related record): none by default."""
        return Q()

    def search(self, query: str, *, typos: bool = False) -> Self:
        """Records with every word of ``query``; with ``typos`` (PostgreSQL), also records with
        a word similar to it. Typos are a second try (:func:`forgiving_search`): tried first,
        "example123" would also find every "example456"."""
        return all_words_match(
            self, query, self.search_document(), self.search_alternatives, typos=typos
        )

    def with_search_rank(self, query: str) -> Self:
        return with_rank(self, query, self.search_document())


def register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: ``cr_fold`` for SQLite, in Python."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, _fold_or_none, deterministic=True)


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else folded(text)


def searched(queryset: models.QuerySet[_M], query: str) -> models.QuerySet[_M]:
    """A list filter's search: the model's own ``search()`` (its QuerySet is a
    :class:`ForgivingSearchQuerySet`), so the list finds what the global search finds: the
    words as typed, or, when they find nothing, with typos forgiven (one more query)."""
    if not isinstance(queryset, ForgivingSearchQuerySet):
        raise TypeError(f"{queryset.model.__name__} has no forgiving search()")
    exact = queryset.search(query)
    if not uses_postgresql(queryset) or exact.exists():
        return exact
    return queryset.search(query, typos=True)
