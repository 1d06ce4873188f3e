"""Recipient rules written once: the upload columns, the industries, row validation, and the
limits of a file. Pages, the API and the import activities all call these."""

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any

import pycountry
from email_validator import EmailNotValidError, validate_email
from pydantic import BeforeValidator, Field, ValidationError, field_validator

from core.cells import looks_like_formula
from core.i18n import N_
from core.security import versioned_capability
from core.timefmt import eastern_today
from core.wording import without_accents
from models.enrollment_enums import US_STATES
from models.fields import Blankable, OneLine, Phone, State, Text, ZipCode, is_name
from models.input import Input

SMALL_FILE = 100  # processed while the uploader waits
MAX_ROWS = 5_000  # larger lists go through the help desk

# (key, column title in the template)
COLUMNS = [
    ("first_name", "Legal First Name"), ("last_name", "Legal Last Name"),
    ("date_of_birth", "Date of Birth"), ("phone", "Phone"), ("email", "Email"),
    ("street", "Street Address"), ("city", "City"), ("state", "State"), ("zip_code", "ZIP Code"),
    ("employer", "Employer"), ("industry", "Industry"), ("language", "Preferred Language"),
]
TITLES = dict(COLUMNS)
KEYS = [key for key, _ in COLUMNS]

INDUSTRIES = {
    "health_care": N_("Health care"),
    "long_term_care": N_("Long-term care"),
    "education": N_("Education and child care"),
    "food_agriculture": N_("Food and agriculture"),
    "manufacturing": N_("Manufacturing"),
    "grocery_retail": N_("Grocery and retail"),
    "transportation": N_("Public transit and transportation"),
    "public_safety": N_("Public safety"),
    "government": N_("Government and community services"),
    "postal_delivery": N_("Postal and delivery"),
    "other": N_("Other (including not employed)"),
}
_INDUSTRY_BY_NAME = {**{label.casefold(): key for key, label in INDUSTRIES.items()},
                     **{key: key for key in INDUSTRIES}, "other": "other"}
LANGUAGE_NAMES = {"english": "en", "en": "en", "inglés": "en", "ingles": "en",
                  "spanish": "es", "español": "es", "espanol": "es", "es": "es"}
# A state written out ("North Carolina", as people type it in a spreadsheet) is its code.
STATE_CODES = {s.name.casefold(): s.code.removeprefix("US-")
               for s in pycountry.subdivisions.get(country_code="US")
               if s.code.removeprefix("US-") in US_STATES}
UPLOAD_STATE = N_("Use the state's two-letter code, like NC, or its full name, like North "
                  "Carolina.")
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y", "%m/%d/%y")


RECIPIENT_LINK = "recipient"


def recipient_key(secret: str, recipient_id: int, version: int = 0) -> str:
    """The key of the recipient's personal link in its `version` (Recipient.link_version): a
    capability of the id and the version, so a correction of the email address, which moves
    the version on, kills the links sent before. Version 0 is the key made before links had
    versions: the links people already held keep working until their address changes."""
    return versioned_capability(secret, RECIPIENT_LINK, recipient_id, version)


def invitation_key(recipient_id: int) -> str:
    """The outbox's key of a recipient's invitation (sent once; refused, noted once)."""
    return f"recipient-{recipient_id}:invitation"


def recipient_path(secret: str, recipient_id: int, version: int = 0) -> str:
    """The recipient's personal link (registration, answers, status; no account needed): a
    capability, the same on every retry of the email that carries it (its version is read
    from the record)."""
    return f"/r/{recipient_id}/{recipient_key(secret, recipient_id, version)}"


# What a name's key leaves out, so that the same person typed on another keyboard, from a paper
# form or by another clerk is one person: accents (José, Nguyễn), apostrophes of every kind
# (O'Brien, O’Brien, OBrien) and hyphens (García-López, García López), and the zero-width
# joiners some scripts write inside a word (میر‌حسین, میرحسین). Other scripts stay as
# they are (a transliteration would make two people of one sound one record).
_LEFT_OUT = (dict.fromkeys(map(ord, "'’‘ʼ`´\u200c\u200d"), None)
             | dict.fromkeys(map(ord, "-‐‑‒–—"), " "))


def name_key(name: str) -> str:
    """A name as it is compared and searched: without accents, apostrophes and hyphens, in
    lower case, single-spaced."""
    return " ".join(without_accents(name).translate(_LEFT_OUT).split()).casefold()


KEY_LENGTH = 80  # recipient.first_key / last_key, as long as the names they fold


def person_name_key(name: str) -> str:
    """A name's key as a recipient's row stores it: folding can lengthen a name (ß -> ss,
    æ -> ae), and an 80-letter name's key past its column was refused by Postgres (a 500)."""
    return name_key(name)[:KEY_LENGTH].rstrip()


def _industry(value: str) -> str:
    found = _INDUSTRY_BY_NAME.get(" ".join(value.split()).casefold())
    if not found:
        raise ValueError(N_("Choose an industry from the list."))
    return found


def language_code(value: str) -> str:
    """'Spanish', 'es', 'español' -> 'es'; blank -> 'en' (an upload's row that names none)."""
    found = LANGUAGE_NAMES.get(value.strip().casefold() or "english")
    if not found:
        raise ValueError(N_("Write English or Spanish."))
    return found


US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# A date written with a time after it, as database exports and Excel's US format write a date
# of birth ("1980-03-15 00:00:00", "3/15/1980 12:00:00 AM", "1980-03-15T00:00:00"): the day.
WITH_TIME = re.compile(r"(\S+)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp][Mm])?")
LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
BAD_EMAIL = N_("Enter an email address like name@example.org.")


FORMULA = N_("Formulas are not accepted: type the value itself, without =, +, - or @ at the "
             "start.")
US_DATE_EXAMPLE = N_("Enter a date like 03/15/1980.")
# A date written as one (2/30/1980, 13/01/1980 typed day first, 1980-02-30) whose day does not
# exist: the example would show the very form it was written in.
NO_SUCH_DAY = N_("Enter a real date: there is no such day (check the month and the day).")
DATE_SHAPE = re.compile(r"\d{1,2}[/-]\d{1,2}[/-](\d{2}|\d{4})|\d{4}-\d{1,2}-\d{1,2}")
# The registration form's date input: the browser's picker writes the date in the reader's
# order and posts 1980-03-15, so its message names no order (a US example misleads in Spanish).
FORM_DATE = N_("Enter the full date of birth: day, month and year.")


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if timed := WITH_TIME.fullmatch(text):
        text = timed[1]
    if found := US_DATE.fullmatch(text):  # the template's form, without strptime's cost
        try:
            return date(int(found[3]), int(found[1]), int(found[2]))
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(NO_SUCH_DAY if DATE_SHAPE.fullmatch(text) else US_DATE_EXAMPLE)


TWO_DIGIT_YEAR = re.compile(r"\d{1,2}/\d{1,2}/\d{2}")


def birth_day(value: Any) -> date:
    """parse_date for a date of birth: a two-digit year (a CSV saved in the short date format)
    is the last such year that has come, as Excel reads it: '3/15/55' is 1955, not 2055."""
    born = parse_date(value)
    if (isinstance(value, str) and born > eastern_today()
            and TWO_DIGIT_YEAR.fullmatch(value.strip())):
        try:
            return born.replace(year=born.year - 100)
        except ValueError:  # February 29 of a year with none a century back
            return born
    return born


def _birth_date(value: Any) -> date:
    born = birth_day(value)
    today = eastern_today()
    if born > today:
        raise ValueError(N_("The date of birth cannot be in the future."))
    if today.year - born.year > 120:
        raise ValueError(N_("Check the year of birth."))
    return born


@lru_cache(maxsize=4096)
def _domain(domain: str) -> str:
    """A domain checked once per file, not once per row (email-validator is ~0.2 ms a call)."""
    try:
        return validate_email(f"x@{domain}", check_deliverability=False).domain
    except EmailNotValidError as error:
        raise ValueError(BAD_EMAIL) from error


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    local, _, domain = text.rpartition("@")
    if not local.isascii():
        try:
            return validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ValueError(BAD_EMAIL) from error
    if len(local) > 64 or not LOCAL_PART.fullmatch(local):
        raise ValueError(BAD_EMAIL)
    return f"{local}@{_domain(domain.lower())}"


def _given_email(value: Any) -> str:
    email = _email(value)
    if not email:
        raise ValueError(BAD_EMAIL)
    return email


Email = Annotated[str | None, BeforeValidator(_email)]
GivenEmail = Annotated[str, BeforeValidator(_given_email), Field(max_length=254)]  # required
LegalName = Annotated[str, Field(min_length=1, max_length=80)]


class RecipientIn(Input):
    """One person's details, from an upload row or the registration form."""

    first_name: LegalName
    last_name: LegalName
    date_of_birth: date
    phone: Phone
    email: Email = None
    # one line: a break or a direction control would print as another line, or backwards, in
    # every list, export and registry message the address reaches
    street: Text
    city: Annotated[str, Field(min_length=1, max_length=100), OneLine]
    state: State
    zip_code: ZipCode
    employer: Annotated[Annotated[str, Field(max_length=200)] | None, Blankable, OneLine] = None
    industry: Annotated[str, Field(description=(
        "One of " + ", ".join(INDUSTRIES) + " (or its name as the form shows it, like "
        "\"Other (including not employed)\"); other, when not employed"))]
    language: Annotated[str, Field(description="en (English) or es (Spanish): the language "
                                               "of the person's emails")] = "en"

    @field_validator("first_name", "last_name", "street", "city", "employer", mode="before")
    @classmethod
    def _no_formula(cls, value: Any) -> Any:
        """Text a spreadsheet would run (=HYPERLINK(...), +cmd|...) is nobody's name or
        employer: refused, so no list of recipients carries it."""
        if looks_like_formula(value):
            raise ValueError(FORMULA)
        return value

    @field_validator("first_name", "last_name")
    @classmethod
    def _legal_name(cls, value: str) -> str:
        if not is_name(value):
            raise ValueError(N_("Write the legal name with letters only."))
        return " ".join(value.split())

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _dob(cls, value: Any) -> date:
        if value in (None, ""):
            raise ValueError(N_("This field is required."))
        return _birth_date(value)

    @field_validator("state", mode="before")
    @classmethod
    def _state_name(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return STATE_CODES.get(" ".join(value.split()).casefold(), value)

    @field_validator("industry", mode="before")
    @classmethod
    def _industry(cls, value: Any) -> str:
        return _industry(str(value or ""))

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str:
        return language_code(str(value or ""))

    def record(self) -> dict[str, Any]:
        """The columns of a recipient row for these details."""
        values = {key: getattr(self, key) for key in KEYS}
        values["email"] = values["email"].lower() if values["email"] else None
        values["first_key"] = person_name_key(self.first_name)
        values["last_key"] = person_name_key(self.last_name)
        return values


def person_key(values: dict[str, Any]) -> tuple[str, str, date]:
    return values["first_key"], values["last_key"], values["date_of_birth"]


REQUIRED = N_("This field is required.")
YES_OR_NO = N_("Choose yes or no.")
_MESSAGES = {"missing": REQUIRED,
             "string_too_short": REQUIRED,
             "string_too_long": N_("This is too long."),
             "literal_error": YES_OR_NO,
             "control_characters": N_("Remove the characters that cannot be typed (such as NUL "
                                      "or other control characters) and enter it again.")}
# Messages of the shared field types (models/fields.py), for the Spanish catalogue.
FIELD_MESSAGES = [N_("Enter a 10-digit phone number, like 919-555-0100."),
                  N_("Enter a real phone number: its area code and the next three digits "
                     "never start with 0 or 1 (like 919-555-0100)."),
                  N_("Enter a 5-digit ZIP code, like 27601."), N_("Enter a real ZIP code, like 27601."),
                  N_("Choose a state.")]


def error_message(error: dict[str, Any]) -> str:
    known = _MESSAGES.get(error.get("type", ""))
    if known:
        return known
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def field_errors(error: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in error.errors():
        key = str(item["loc"][0]) if item.get("loc") else "form"
        found.setdefault(key, error_message(item))
    return found


def repeats(rows: list[list[Any]], error_rows: set[int]) -> list[tuple[int, int]]:
    """(row, the row above naming the same person) for each valid row that repeats another
    row of its file: one recipient, counted apart from people known before the file."""
    first: dict[tuple[str, str, date], int] = {}
    found = []
    for number, values in rows:
        if number in error_rows:
            continue
        key = (person_name_key(values.get("first_name", "")),
               person_name_key(values.get("last_name", "")),
               birth_day(values.get("date_of_birth")))
        if key in first:
            found.append((number, first[key]))
        else:
            first[key] = number
    return found


def validate_rows(rows: list[list[Any]]) -> tuple[list[tuple[int, dict[str, Any]]],
                                                   list[dict[str, Any]]]:
    """Every row checked: (row number, recipient columns) for the valid ones, and one error per
    row and column for the others. The same person twice in a file is one recipient."""
    valid: list[tuple[int, dict[str, Any]]] = []
    errors: list[dict[str, Any]] = []
    seen: set[tuple[str, str, date]] = set()
    for number, values in rows:
        formulas = [key for key, value in values.items() if str(value).startswith("=")]
        try:
            record = RecipientIn.model_validate(values).record()
        except ValidationError as error:
            found = field_errors(error)
        else:
            found = {}
        if found or formulas:  # a formula cell (any column) is said to be one, not empty
            found |= dict.fromkeys(formulas, FORMULA)
            errors.extend({"row": number, "column": TITLES.get(key, key),
                           "message": UPLOAD_STATE if key == "state" and message != FORMULA
                           else message}
                          for key, message in found.items())
            continue
        key = person_key(record)
        if key not in seen:
            seen.add(key)
            valid.append((number, record))
    return valid, errors
