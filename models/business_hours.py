"""The help desk's hours of operation: a service level counts only the time the desk is open.

The hours are configuration (`HELPDESK_HOURS`, e.g. "Mon-Fri 07:00-19:00; Sat 08:00-16:00",
in `HELPDESK_TIMEZONE`), the closed days are the state's holidays from the maintained `holidays`
calendar (`HELPDESK_HOLIDAYS`, "US-NC"). A case's workflow receives the hours with the closed
days already listed, so its arithmetic is pure and deterministic (nothing looked up on replay).
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import BaseModel

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_PART = re.compile(r"^\s*(\w{3})(?:\s*-\s*(\w{3}))?\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$")
MAX_DAYS = 3660  # a target never reaches further than ten years of opening days


class OpenDay(BaseModel):
    weekday: int  # Monday is 0
    opens: time
    closes: time


class BusinessHours(BaseModel):
    timezone: str = "America/New_York"
    days: list[OpenDay]
    closed_on: list[date] = []  # holidays

    def _zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day in self.closed_on:
            return None
        for open_day in self.days:
            if open_day.weekday == day.weekday():
                zone = self._zone()
                return (datetime.combine(day, open_day.opens, zone).astimezone(UTC),
                        datetime.combine(day, open_day.closes, zone).astimezone(UTC))
        return None

    def _windows_from(self, start: datetime):
        day = _aware(start).astimezone(self._zone()).date()
        for _ in range(MAX_DAYS):
            window = self._window(day)
            if window:
                yield window
            day += timedelta(days=1)

    def open_between(self, start: datetime, end: datetime) -> timedelta:
        """The desk's open time between two moments."""
        start, end = _aware(start), _aware(end)
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        return total

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of open time after `start` has passed."""
        start = _aware(start)
        if amount <= timedelta(0):
            return start
        for opens, closes in self._windows_from(start):
            lo = max(opens, start)
            if closes <= lo:
                continue
            if amount <= closes - lo:
                return lo + amount
            amount -= closes - lo
        raise ValueError("The hours of operation have no open day.")

    def describe(self) -> str:
        """'Monday–Friday 7 AM–7 PM, Saturday 8 AM–4 PM' for pages and emails."""
        groups: list[list[OpenDay]] = []
        for open_day in sorted(self.days, key=lambda d: d.weekday):
            last = groups[-1][-1] if groups else None
            if last and last.weekday + 1 == open_day.weekday and (
                    last.opens, last.closes) == (open_day.opens, open_day.closes):
                groups[-1].append(open_day)
            else:
                groups.append([open_day])
        parts = []
        for group in groups:
            names = DAY_NAMES[group[0].weekday]
            if len(group) > 1:
                names += f"–{DAY_NAMES[group[-1].weekday]}"
            parts.append(f"{names} {_clock(group[0].opens)}–{_clock(group[0].closes)}")
        return ", ".join(parts)


def _clock(value: time) -> str:
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes} {'AM' if value.hour < 12 else 'PM'}"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@lru_cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def parse_hours(text: str) -> list[OpenDay]:
    """'Mon-Fri 07:00-19:00; Sat 08:00-16:00' as open days (a ValueError names the part)."""
    days: list[OpenDay] = []
    for part in filter(str.strip, text.split(";")):
        match = _PART.match(part)
        if not match or match[1].lower() not in DAYS or (
                match[2] and match[2].lower() not in DAYS):
            raise ValueError(f"Hours of operation: cannot read {part.strip()!r} (write e.g. "
                             "'Mon-Fri 07:00-19:00; Sat 08:00-16:00').")
        first = DAYS.index(match[1].lower())
        last = DAYS.index(match[2].lower()) if match[2] else first
        opens, closes = time.fromisoformat(match[3].zfill(5)), time.fromisoformat(
            match[4].zfill(5))
        if closes <= opens:
            raise ValueError(f"Hours of operation: {part.strip()!r} closes before it opens.")
        days += [OpenDay(weekday=n, opens=opens, closes=closes) for n in range(first, last + 1)]
    return days


@lru_cache(maxsize=8)
def describe_hours(text: str) -> str:
    """The configured hours as people read them."""
    return BusinessHours(days=parse_hours(text)).describe()


def holidays_of(region: str, years: list[int]) -> list[date]:
    """A state's holidays from `holidays`: 'US-NC' (the country, then the subdivision), then
    optionally '; except NAME, NAME' for holidays of that calendar the state's offices work
    (each also on its observed day)."""
    return list(_holidays(region, tuple(years)))


@lru_cache(maxsize=16)
def _holidays(region: str, years: tuple[int, ...]) -> tuple[date, ...]:
    import holidays

    calendar_name, _, rest = region.partition(";")
    if not calendar_name.strip():
        return ()
    country, _, subdivision = calendar_name.strip().partition("-")
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    rest = rest.strip()
    if rest and not rest.startswith("except "):
        raise ValueError(f"HELPDESK_HOLIDAYS: after ';' write 'except' and names, not {rest!r}")
    skipped = {name.strip() for name in rest.removeprefix("except ").split(",") if name.strip()}
    # The names are those of the years asked about and of the package's last year (it knows
    # no holiday after its end_year, and a holiday may be younger than the years asked about):
    # a configuration valid today stays valid whatever year a case opens in.
    named = holidays.country_holidays(country, subdiv=subdivision or None,
                                      years={*years, calendar.end_year})
    names = {name.removesuffix(" (observed)") for day in named for name in named.get_list(day)}
    if unknown := skipped - names:
        raise ValueError(f"HELPDESK_HOLIDAYS: {country}-{subdivision} has no holiday named "
                         f"{', '.join(sorted(unknown))}")
    # A holiday on a weekend the state observes on a weekday (Saturday's on the Friday before,
    # Sunday's on the Monday after) closes the desk on the observed day only, as the state's
    # schedule lists it: the Saturday itself, a day the desk opens, was counted closed too
    # (2026: July 3 and 4, December 28 and 26, fourteen days for the state's twelve).
    around = holidays.country_holidays(country, subdiv=subdivision or None, years={
        year + step for year in years for step in (-1, 0, 1)})

    def observed_elsewhere(day: date, name: str) -> bool:
        return any(f"{name} (observed)" in around.get_list(day + timedelta(days=step))
                   for step in range(-3, 4) if step)

    return tuple(sorted(day for day in calendar
                        if any(name.removesuffix(" (observed)") not in skipped
                               and not observed_elsewhere(day, name)
                               for name in calendar.get_list(day))))


def business_hours(hours: str, timezone: str, region: str, around: datetime) -> BusinessHours:
    """The hours with this year's and the next two years' holidays (a case lives weeks)."""
    year = _aware(around).astimezone(_zone(timezone)).year
    return BusinessHours(timezone=timezone, days=parse_hours(hours),
                         closed_on=holidays_of(region, [year, year + 1, year + 2]))
