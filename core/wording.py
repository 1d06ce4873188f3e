"""Counted words in English sentences: "1 row", "8 rows", never "row(s)"; counts as the
reader's language writes them; and words compared without their accents."""

import unicodedata

from babel.numbers import format_decimal

from core import i18n


def counted(n: int, word: str, words: str | None = None) -> str:
    """`n` and the word for it (`words`: an irregular plural, else the word and an s)."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def thousands(n: int, signed: bool = False) -> str:
    """A count as people read it, in the language of the moment (Babel: 3,000 in en_US and in
    NC's Spanish, es_US); signed: +3,000 or -3,000 (nothing is 0, unsigned)."""
    written = format_decimal(abs(n) if signed else n, locale=i18n.locale())
    return ("+" if n > 0 else "-") + written if signed and n else written


def without_accents(text: str) -> str:
    """José -> Jose, Zoë -> Zoe: what names are compared and searched by (recipients' name keys,
    the searches of people and organizations). Other scripts stay as they are."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
