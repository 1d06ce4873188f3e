"""Counted words in English sentences: "1 row", "8 rows", never "row(s)"."""


def counted(n: int, word: str, words: str | None = None) -> str:
    """`n` and the word for it (`words`: an irregular plural, else the word and an s)."""
    return f"{n:,} {word if n == 1 else words or word + 's'}"


def thousands(n: int, signed: bool = False) -> str:
    """A count as people read it: 3,000 (signed: +3,000 or -3,000; nothing is 0, unsigned)."""
    return f"{n:+,}" if signed and n else f"{n:,}"
