"""Counted words in English sentences: "1 row", "8 rows", never "row(s)"; counts as the
reader's language writes them; words compared without their accents; and the fingerprint of
what a page showed."""

import hashlib
import unicodedata

from anyascii import anyascii
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


# The Latin letters (Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional)
# that have no accent to strip: ł, ø, đ, ı, æ, œ, þ, ß... are written as the letters they
# stand for (anyascii: Wałęsa -> Walesa, Yılmaz -> Yilmaz, Æsa -> Aesa), only where they become
# letters (not Ƅ's "6" or Ɂ's "'").
LATIN = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def _latin_letter(c: str) -> str:
    if c.isascii() or not any(low <= ord(c) <= high for low, high in LATIN):
        return c
    plain = anyascii(c)
    return plain if plain.isascii() and plain.isalpha() else c


def without_accents(text: str) -> str:
    """José -> Jose, Zoë -> Zoe, Wałęsa -> Walesa, Øystein -> Oystein: what names are compared
    and searched by (recipients' name keys, the searches of people and organizations). Other
    scripts stay as they are."""
    return "".join(_latin_letter(c) for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def fingerprint(parts) -> str:
    """A short fingerprint of what a page showed (a record's fields, in order): its form
    carries it, so a form sent from an older page (another tab, another person's save since)
    is told apart from one sent from the page as it is now."""
    shown = "\x1f".join(str(part or "") for part in parts)
    return hashlib.sha256(shown.encode()).hexdigest()[:32]
