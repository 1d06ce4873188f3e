"""Reusable validated field types for forms and API bodies."""

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from core.i18n import N_
from models.enrollment_enums import US_STATES


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# "1,000" as people write a thousand (commas between groups of three, nothing else); what a
# spreadsheet or a number box may make of a count ("1e3") is refused rather than guessed at.
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_EXPONENT = re.compile(r"[+-]?[0-9.]+[eE][+-]?[0-9]+")
IN_DIGITS = "Write the number in digits, like 1000 or 1,000 (not {typed})."


def _count_as_typed(value: object) -> object:
    """A whole number typed in a box: spaces around it dropped, "1,000" read as 1000, "1e3"
    refused saying why; anything else left for the int to accept or refuse ("12.5")."""
    if not isinstance(value, str):
        return value
    typed = value.strip()
    if _GROUPED.fullmatch(typed):
        return typed.replace(",", "")
    if _EXPONENT.fullmatch(typed):
        raise ValueError(IN_DIGITS.format(typed=typed))
    return typed


AsTyped = BeforeValidator(_count_as_typed)  # after its Field: Annotated[int, Field(ge=1), AsTyped]


# A required field left blank says so, as every other field's blank does (api/forms.py
# _FRIENDLY["missing"]); what the field wants is said once something wrong is typed.
REQUIRED = "This field is required."


def _phone(value: str) -> str:
    if not value.strip():
        raise ValueError(REQUIRED)
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValueError("Enter a 10-digit phone number, like 919-555-0100.")
    if digits[0] in "01" or digits[3] in "01":  # no area code or exchange starts so (NANP)
        raise ValueError("Enter a real phone number: its area code and the next three digits "
                         "never start with 0 or 1 (like 919-555-0100).")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def _zip(value: str) -> str:
    if not value.strip():
        raise ValueError(REQUIRED)
    if not re.fullmatch(r"\d{5}(-\d{4})?", value):
        raise ValueError("Enter a 5-digit ZIP code, like 27601.")
    if value.startswith("000"):  # no ZIP code begins so
        raise ValueError("Enter a real ZIP code, like 27601.")
    return value


def _state(value: str) -> str:
    if value.upper() not in US_STATES:
        raise ValueError("Choose a state.")
    return value.upper()


# A line break, a tab or a text-direction control (U+202A-202E, U+2066-2069: they reverse
# what follows when shown) in a one-line field: no text input types them, and a name carrying
# them would print as a forged line (or backwards) in every email and export it goes into.
NOT_ONE_LINE = re.compile(r"[\t\n\r\v\f\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# Said on recipients' Spanish pages too: in the catalogue (babel.cfg reads this file).
ONE_LINE = N_("Write it on one line, without line breaks, tabs or text-direction characters.")


def _one_line(value: str | None) -> str | None:
    if value is not None and NOT_ONE_LINE.search(value):
        raise ValueError(ONE_LINE)
    return value


OneLine = AfterValidator(_one_line)


# Characters that show nothing but are not whitespace, beyond the format characters (Cf:
# zero-width spaces and joiners, soft hyphens, direction marks, the byte-order mark): the
# combining grapheme joiner, variation selectors, the Hangul fillers, the braille blank, the
# Khmer inherent vowels.
INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0]
    + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)))


def normalized(value: str) -> str:
    """A name or an address line as compared and kept: Unicode's NFKC form ("Ａｃｍｅ" is Acme,
    "ﬁ" is fi, a no-break space a space), without the invisible characters a name pasted from
    a web page or a document can carry ("Ac\u200bme" is Acme): else the same name is a
    second organization, and a search of what a person types misses it. The text-direction
    controls stay, for the one-line check to refuse by name (`OneLine`): an override turns
    what follows it backwards, which is the sender's to see, not ours to drop unsaid."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(c for i, c in enumerate(text)
                   if (unicodedata.category(c) != "Cf" and ord(c) not in INVISIBLE)
                   or _spelled_with(text, i) or NOT_ONE_LINE.match(c))


# Scripts whose words are never spelled with a zero-width joiner or non-joiner: one there is
# pasted-in noise ("Ac\u200dme" is Acme).
NO_JOINERS = ("LATIN", "GREEK", "CYRILLIC", "CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def _spelled_with(text: str, i: int) -> bool:
    """A joiner or non-joiner between two letters of a script that spells words with it
    (Persian میر‌حسین, Devanagari, Sinhala): part of the name, kept as `is_name` allows it."""
    if text[i] not in "\u200c\u200d" or not 0 < i < len(text) - 1:
        return False
    return all(unicodedata.category(c)[0] in "LM"
               and not unicodedata.name(c, "").startswith(NO_JOINERS)
               for c in (text[i - 1], text[i + 1]))


# Before the field's own checks, so its length is the normalized text's (NFKC can lengthen:
# "ﬁ" is two letters) and one of only invisible characters is empty.
Normalized = BeforeValidator(lambda value: normalized(value) if isinstance(value, str)
                             else value)


def single_spaced(value: str | None) -> str | None:
    """A name or an address line as kept: one space between its words ("North  Carolina" typed
    with two is North Carolina, and "Acme  Works" found by a search of "Acme Works")."""
    return " ".join(value.split()) if value is not None else None


SingleSpaced = AfterValidator(single_spaced)  # with Normalized for a name or an address
Text = Annotated[str, Field(min_length=1, max_length=200), OneLine]
ShortText = Annotated[str, Field(min_length=1, max_length=80), OneLine]

# An address line of an enrolling organization (a street, a city): letters of any script,
# digits, spaces and punctuation ("12-B Rue d'Orléans #4, Apt. 5/6"). Symbols (emoji, < >,
# $ + = | ~ °) are no address's: a shipping label has no use for them and the signed
# agreement's PDF no font for emoji, and markup would be shown to the reviewer as an address.
NOT_AN_ADDRESS = ("Write the address with letters, digits and punctuation only (no symbols, "
                  "emoji, < or >).")


def _address(value: str | None) -> str | None:
    value = _one_line(value)
    if value is not None and any(unicodedata.category(c)[0] in "SC" for c in value):
        raise ValueError(NOT_AN_ADDRESS)
    return single_spaced(value)


def address_line(max_length: int = 200, required: bool = True) -> Any:
    if required:
        return Annotated[str, Field(min_length=1, max_length=max_length),
                         AfterValidator(_address), Normalized]
    return Annotated[Annotated[str, Field(max_length=max_length)] | None, Blankable,
                     Field(default=None), AfterValidator(_address), Normalized]

# A person's name (a recipient's legal name, a provider's as on the license, an officer's or a
# coordinator's): letters of any script (with their accents) and a name's own punctuation: no
# digits, symbols, markup or emoji.
NAME_PUNCTUATION = frozenset(" '’ʼ-‐‑.,")


# The zero-width non-joiner and joiner, which some scripts' spelling puts inside a word
# (Persian میر‌حسین, Devanagari, Sinhala): part of a name between two letters, nowhere else.
JOINERS = frozenset("\u200c\u200d")


def _letter(c: str) -> bool:
    return unicodedata.category(c)[0] in "LM"


def is_name(value: str) -> bool:
    return any(c.isalpha() for c in value) and all(
        _letter(c) or c in NAME_PUNCTUATION or c.isspace()
        or (c in JOINERS and 0 < i < len(value) - 1 and _letter(value[i - 1])
            and _letter(value[i + 1]))
        for i, c in enumerate(value))


NOT_A_NAME = ("Write the name with letters only (accents, spaces, apostrophes, hyphens and "
              "periods are fine).")


def _person_name(value: str) -> str:
    if not is_name(value):
        raise ValueError(NOT_A_NAME)
    return " ".join(value.split())


def no_markup(what: str = "name") -> AfterValidator:
    """Text that keeps its punctuation but is not markup: refuses < and >."""

    def check(value: str) -> str:
        if "<" in value or ">" in value:
            raise ValueError(f"Write the {what} without < or >.")
        return single_spaced(_one_line(value))

    return AfterValidator(check)


def person_name(max_length: int = 80) -> Any:
    return Annotated[str, Field(min_length=1, max_length=max_length),
                     AfterValidator(_person_name), Normalized]


PersonName = person_name()
# an organization's or a location's name keeps its punctuation ("St. Mary's #2 (Main)")
Name = Annotated[str, Field(min_length=1, max_length=200), no_markup(), Normalized]
# What the API documentation says of each (the values are checked by the validators)
Phone = Annotated[str, AfterValidator(_phone), Field(
    description="A 10-digit US phone number, punctuation optional, like 919-555-0100")]
ZipCode = Annotated[str, AfterValidator(_zip), Field(
    description="A 5-digit ZIP code, like 27601, or ZIP+4, like 27601-1234")]
State = Annotated[str, AfterValidator(_state), Field(
    description="A US state's two-letter code, like NC")]
Blankable = BeforeValidator(_blank_to_none)


def optional_text(max_length: int = 200) -> Any:
    """Free text that may be left blank (kept as None), at most `max_length` characters: no more
    than the column it is stored in holds (tests/test_input_limits.py)."""
    return Annotated[Annotated[str, Field(max_length=max_length)] | None, Blankable,
                     Field(default=None), OneLine]


OptionalText = optional_text()
# another organization's name, which may be left blank: a name, as `Name`, not markup
OptionalName = Annotated[Annotated[str, Field(max_length=200), no_markup()] | None, Blankable,
                         Field(default=None)]
Street = address_line()
City = address_line(80)
OptionalAddress = address_line(required=False)


def fail(field: str, message: str, model: str = "form") -> None:
    """Raise a validation error attached to one field (from a cross-field validator)."""
    fail_many({field: message}, model)


def fail_many(problems: dict[str, str], model: str = "form") -> None:
    if problems:
        raise ValidationError.from_exception_data(model, [InitErrorDetails(
            type=PydanticCustomError("value_error", message), loc=(field,), input=None)
            for field, message in problems.items()])


# AsTyped before Blankable (pydantic runs the later one first): " " is blank, "1,000" a thousand
Count = Annotated[Annotated[int, Field(ge=0, le=10_000_000)] | None, Blankable, AsTyped,
                  Field(default=None)]


def pattern(regex: str, message: str) -> AfterValidator:
    """A regular-expression check with a message a person can act on."""
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)

# Every database id that arrives from outside (path, query, form, JSON): a positive integer
# that fits the id columns. Those are INTEGER, 32-bit on Postgres (64-bit on SQLite), so the
# bound is 2^31-1: text, or a number past it (2^63 included), is refused as a 422 naming the
# field before it reaches a query, where it would overflow the driver.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
