"""Text as search compares it."""

from __future__ import annotations

import unicodedata


def folded(text: str) -> str:
    """``text`` without letter case or accents ("Bécs" -> "becs", "Kraków" -> "krakow"), so that
    a search typed on a keyboard without Hungarian or Polish letters still finds the name.
    Letters that are not a base letter plus accents (ł, ø, ß) are only case-folded."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
