"""Counted words in English sentences: "1 row", "8 rows", never "row(s)"; and words compared
without their accents."""

import unicodedata


def counted(n: int, word: str, words: str | None = None) -> str:
    """`n` and the word for it (`words`: an irregular plural, else the word and an s)."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def thousands(n: int, signed: bool = False) -> str:
    """A count as people read it: 3,000 (signed: +3,000 or -3,000; nothing is 0, unsigned)."""
    return f"{n:+,}" if signed and n else f"{n:,}"


def without_accents(text: str) -> str:
    """José -> Jose, Zoë -> Zoe: what names are compared and searched by (recipients' name keys,
    the searches of people and organizations). Other scripts stay as they are."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
