"""Point-of-care vocabularies and the second-dose timing, shared by the API and activities."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import N_

EASTERN = ZoneInfo("America/New_York")
REMINDER_HOUR = time(9)  # reminders go out at 9 AM North Carolina time on the day

# Where a dose went in and how (HL7 table 0163 / v3 ActSite codes; v3 route codes).
SITES = {"LA": N_("Left arm"), "RA": N_("Right arm"), "LD": N_("Left deltoid"),
         "RD": N_("Right deltoid"), "LT": N_("Left thigh"), "RT": N_("Right thigh")}
ROUTES = {"IM": N_("Intramuscular"), "SC": N_("Subcutaneous"), "ID": N_("Intradermal")}
MAX_DOSE_NUMBER = 6


def second_dose_due(administered_on: date, interval_days: int) -> datetime:
    """When the second-dose reminder fires: the product's interval after the REAL first-dose
    day, in the morning, North Carolina time (as UTC)."""
    day = administered_on + timedelta(days=interval_days)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=EASTERN).astimezone(UTC)


def local_today(now: datetime) -> date:
    return now.astimezone(EASTERN).date()
