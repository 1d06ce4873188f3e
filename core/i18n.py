"""English and Spanish for everything a recipient reads: gettext catalogues compiled by Babel.

The catalogues live in core/translations (`make translations` extracts and compiles them; the
compiled .mo files are committed, so a fresh checkout works). The language of the moment is a
context variable, so one Jinja2 environment serves both languages at once.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime
from babel.support import NullTranslations, Translations

from core.timefmt import EASTERN, when

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = {"en": "English", "es": "Español"}
LOCALES = {"en": "en_US", "es": "es_US"}
DEFAULT = "en"
_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for extraction only"
    return message


def supported(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT


def preferred(accept_language: str | None) -> str | None:
    """The first of our languages in a browser's Accept-Language ("es-MX,es;q=0.9,en;q=0.8":
    Spanish), or None. Babel matches the tags; ranking them by weight is all that is left."""
    ranked = []
    for order, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, weight = part.strip().partition(";q=")
        try:
            rank = float(weight) if weight else 1.0
        except ValueError:
            continue
        if tag and rank > 0:
            ranked.append((-rank, order, tag.strip().lower().replace("-", "_")))
    return negotiate_locale([tag for *_, tag in sorted(ranked)], list(LANGUAGES))


@cache
def catalogue(language: str) -> NullTranslations:
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


def current() -> str:
    return _current.get()


def locale() -> str:
    return LOCALES[current()]


def gettext(message: str) -> str:
    return catalogue(current()).gettext(message)


# Messages made from a template and numbers ("Use at most 80 characters."): the catalogue holds
# the template, so a message it does not hold is translated by the template it fills in.
_FILLED: list[tuple[re.Pattern[str], str]] = []


def filled_in(*templates: str) -> None:
    """Templates with {named} numbers whose filled-in messages `translated` translates."""
    for template in templates:
        parts = re.split(r"\{(\w+)\}", template)
        pattern = "".join(rf"(?P<{part}>-?\d+)" if i % 2 else re.escape(part)
                          for i, part in enumerate(parts))
        _FILLED.append((re.compile(pattern), template))


def _gettext_filled(message: str) -> str:
    found = gettext(message)
    if found != message or current() == DEFAULT:
        return found
    for pattern, template in _FILLED:
        if matched := pattern.fullmatch(message):
            return gettext(template).format(**matched.groupdict())
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(current()).ngettext(singular, plural, n)


_ = gettext


def translated(messages: dict[str, str]) -> dict[str, str]:
    """Field errors (or any messages by key) in the language of the moment."""
    return {key: _gettext_filled(message) for key, message in messages.items()}


@contextmanager
def language(code: str | None) -> Iterator[str]:
    token = _current.set(supported(code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def use(code: str | None) -> str:
    """Set the language for the rest of this task (a request renders in one language)."""
    _current.set(supported(code))
    return _current.get()


def local_day(value: date | datetime | None, missing: str = "-") -> str:
    """A date as people read it in the language of the moment: "March 5, 1980" or
    "5 de marzo de 1980" (a moment is first taken to its Eastern calendar day)."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(EASTERN).date()
    return format_date(value, "long", locale=locale())


def install(env) -> None:
    """Give a Jinja2 environment {% trans %} and _() in the language of the moment."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(gettext, ngettext, newstyle=True)


# English: core.timefmt.when's. Spanish writes the hour as the rest of its pages do ("de 7 a. m.
# a 7 p. m. (hora del Este)"): Babel's Spanish "a. m." (its es_US has "a.m.") and the zone in
# words, not "EST" (one wording all year, as the desk's hours say it).
MOMENTS = {"es": ("d 'de' MMMM 'de' y, h:mm a", "es", "{} (hora del Este)")}


def local_when(value: datetime | None, missing: str = "-") -> str:
    """A moment in Eastern time in the language of the moment: "December 9, 2026, 3:05 PM EST"
    or "9 de diciembre de 2026, 3:05 p. m. (hora del Este)"."""
    if value is None or current() not in MOMENTS:
        return when(value, missing)
    pattern, babel_locale, zone = MOMENTS[current()]
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = format_datetime(value, pattern, tzinfo=EASTERN, locale=babel_locale)
    # CLDR's narrow no-break space ("a.\u202fm.") is missing from some mail readers' fonts
    return zone.format(moment.replace("\u202f", "\u00a0"))
