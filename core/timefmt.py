"""Dates and times as people in North Carolina read them: Eastern time, with its zone.

Times are stored in UTC (a naive datetime from the database is UTC); every page, email and PDF
shows them through these functions, exposed to templates as the `when` and `day` filters.
"""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime

EASTERN = ZoneInfo("America/New_York")
# Parsed once: given as a string, Babel parses the locale on every call, which made a time
# with its zone cost 0.44 ms (a page of 20 locations spent 7 ms on it) against 0.03 ms.
LOCALE = Locale.parse("en_US")
DATETIME = "MMMM d, y, h:mm a zzz"  # December 1, 2026, 3:05 PM EST
DATE = "MMMM d, y"  # December 1, 2026


def eastern_today(now: datetime | None = None) -> date:
    """The day it is in North Carolina. The server's clock is UTC, whose date is already
    tomorrow's from 7 or 8 PM Eastern: a day asked of `date.today()` there is a few hours early."""
    return _aware(now or datetime.now(UTC)).astimezone(EASTERN).date()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def when(value: datetime | None, missing: str = "-") -> str:
    """A moment in Eastern time with its zone: "December 1, 2026, 3:05 PM EST"."""
    if value is None:
        return missing
    # Shown to the minute, so formatted once per minute: a list page of 50 rows re-rendered
    # by every agent costs Babel's formatting (~50 us a call) only for times it has not seen.
    return _minute(_aware(value).astimezone(UTC).replace(second=0, microsecond=0))


@lru_cache(maxsize=65536)
def _minute(value: datetime) -> str:
    return format_datetime(value, DATETIME, tzinfo=EASTERN, locale=LOCALE)


def spreadsheet(value: datetime | None) -> str:
    """A moment as a spreadsheet reads a date and time (sorted, filtered): Eastern time,
    "2026-12-01 15:05", its column's header naming the zone. "December 1, 2026, 3:05 PM EST"
    is text to a spreadsheet, and sorts April before December."""
    if value is None:
        return ""
    return _aware(value).astimezone(EASTERN).strftime("%Y-%m-%d %H:%M")


def clock(value: datetime) -> str:
    """The time of day in Eastern time: "10:05 AM" (for a moment known to be today)."""
    return format_datetime(_aware(value), "h:mm a", tzinfo=EASTERN, locale=LOCALE)


def day(value: datetime | date | None, missing: str = "-") -> str:
    """The calendar day in Eastern time ("December 1, 2026"); a plain date is shown as it is."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = _aware(value).astimezone(EASTERN).date()
    return format_date(value, DATE, locale=LOCALE)


def age(value: datetime | None, missing: str = "-") -> str:
    """How long ago, in whole days, as the state's screens show an age in status: "3 days",
    "1 day", "Less than a day"."""
    if value is None:
        return missing
    days = (datetime.now(UTC) - _aware(value)).days
    return "Less than a day" if days < 1 else f"{days} day{'s' if days != 1 else ''}"
