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


def latin_folds() -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """`without_accents` for the database's side (text_search's `unaccented`, migration 0011y's
    `cvms_unaccent` on Postgres): the Latin letters it writes as one other letter (é -> e,
    ł -> l, ø -> o, ı -> i), for translate(), one for one; those it writes as two (æ -> ae,
    œ -> oe, þ -> th, ß -> ss), which translate() cannot, for a replace() each: those of
    Latin-1 and Latin Extended-A and ẞ. Rarer ones (ǆ, ƕ...) are folded only in Python."""
    accented, plain, two = [], [], []
    for low, high in LATIN:
        for letter in map(chr, range(low, high + 1)):
            folded = without_accents(letter)
            if not letter.isalpha() or folded == letter or not folded.isascii():
                continue
            if len(folded) == 1:
                accented.append(letter)
                plain.append(folded)
            elif folded.isalpha() and (ord(letter) < 0x0180 or letter == "ẞ"):
                two.append((letter, folded))
    return "".join(accented), "".join(plain), tuple(two)


def unaccent_sql(argument: str) -> str:
    """SQL (Postgres) for `argument`'s text without its accents, as `latin_folds` says: built-in
    translate() and replace() only (the unaccent extension need not be installed)."""
    accented, plain, two = latin_folds()
    folded = f"translate({argument}, '{accented}', '{plain}')"
    for letter, letters in two:
        folded = f"replace({folded}, '{letter}', '{letters}')"
    return folded


def fingerprint(parts) -> str:
    """A short fingerprint of what a page showed (a record's fields, in order): its form
    carries it, so a form sent from an older page (another tab, another person's save since)
    is told apart from one sent from the page as it is now."""
    shown = "\x1f".join(str(part or "") for part in parts)
    return hashlib.sha256(shown.encode()).hexdigest()[:32]
