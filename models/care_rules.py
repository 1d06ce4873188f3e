"""Point-of-care vocabularies and the second-dose timing, shared by the API and activities."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import N_, gettext

EASTERN = ZoneInfo("America/New_York")
REMINDER_HOUR = time(9)  # reminders go out at 9 AM North Carolina time on the day

# Where a dose went in and how (HL7 table 0163 / v3 ActSite codes; v3 route codes).
SITES = {"LA": N_("Left arm"), "RA": N_("Right arm"), "LD": N_("Left deltoid"),
         "RD": N_("Right deltoid"), "LT": N_("Left thigh"), "RT": N_("Right thigh")}
ROUTES = {"IM": N_("Intramuscular"), "SC": N_("Subcutaneous"), "ID": N_("Intradermal")}
# A vaccine product's name as a recipient reads it: the brand is a proper name and stays; what
# describes it ("COVID-19 Vaccine", "Adjuvanted", the ages and cap colour) is said in their
# language. A stored name of none of these forms (a product added later) is shown as stored.
PRODUCT_NAMES = (N_("%(brand)s COVID-19 Vaccine"),
                 N_("%(brand)s COVID-19 Vaccine, Adjuvanted"),
                 N_("%(brand)s COVID-19 Vaccine, 12 years and older (gray cap)"),
                 N_("%(brand)s COVID-19 Vaccine, 5 to 11 years (orange cap)"),
                 N_("%(brand)s COVID-19 Vaccine, 6 months to 4 years (maroon cap)"))
_PRODUCT_FORMS = [(re.compile(re.escape(form).replace(re.escape("%(brand)s"), "(?P<brand>.+?)")),
                   form) for form in PRODUCT_NAMES]
MAX_DOSE_NUMBER = 6
DOSE_DAYS = 366  # a dose from a paper form is entered within a year of its day


def second_dose_due(administered_on: date, interval_days: int) -> datetime:
    """When the second-dose reminder fires: the product's interval after the REAL first-dose
    day, in the morning, North Carolina time (as UTC)."""
    day = administered_on + timedelta(days=interval_days)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=EASTERN).astimezone(UTC)


def reminder_time(due: datetime, now: datetime) -> datetime:
    """When a reminder due at `due` is sent: then, or, once that has passed (a first dose
    entered late from a paper form), at the next 9 AM North Carolina time at least an hour
    away: never at night, and the clerk has time to enter the next dose from the same form
    (the email step checks for it when it sends)."""
    if due > now:
        return due
    day = local_today(now + timedelta(hours=1))
    morning = datetime.combine(day, REMINDER_HOUR, tzinfo=EASTERN).astimezone(UTC)
    if morning < now + timedelta(hours=1):
        morning = datetime.combine(day + timedelta(days=1), REMINDER_HOUR,
                                   tzinfo=EASTERN).astimezone(UTC)
    return morning


def dose_day_problem(given_on: date, today: date) -> str | None:
    """What is wrong with a dose's day against today (North Carolina's), if anything: a day
    that has not come yet, or one more than a year ago (a paper form is entered within it)."""
    if given_on > today:
        return "A dose cannot be recorded for a day that has not come yet."
    if (today - given_on).days > DOSE_DAYS:
        return "Enter the date the dose was given (within the last year)."
    return None


def local_today(now: datetime) -> date:
    return now.astimezone(EASTERN).date()


def product_name(name: str) -> str:
    """A product's stored (English) name in the language of the moment: "Pfizer-BioNTech
    COVID-19 Vaccine" is "Vacuna contra el COVID-19 de Pfizer-BioNTech" in Spanish."""
    for pattern, form in _PRODUCT_FORMS:
        if found := pattern.fullmatch(name):
            return gettext(form) % {"brand": found["brand"]}
    return name
