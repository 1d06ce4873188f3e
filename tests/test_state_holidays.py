"""The desk's clock stops on North Carolina's state holidays (SPEC §4: "skip state holidays"),
not on every federal one: the `holidays` package's US-NC calendar adds Washington's Birthday
and Juneteenth, which the state's offices work, so the default setting leaves them out."""

from datetime import date

import pytest

from core.settings import Settings
from models.business_hours import holidays_of

STATE = Settings.model_fields["helpdesk_holidays"].default
NC_2026 = [date(2026, 1, 1), date(2026, 1, 19), date(2026, 4, 3), date(2026, 5, 25),
           date(2026, 7, 3), date(2026, 9, 7), date(2026, 11, 11), date(2026, 11, 26),
           date(2026, 11, 27), date(2026, 12, 24), date(2026, 12, 25)]


def test_the_desk_closes_on_the_states_holidays_and_works_the_federal_only_ones():
    """Found by the outside check: service levels stopped on 2026-02-16 and 2026-06-19."""
    closed = holidays_of(STATE, [2026, 2027])
    assert set(NC_2026) <= set(closed)
    for federal_only in (date(2026, 2, 16), date(2026, 6, 19), date(2027, 2, 15),
                         date(2027, 6, 18)):  # 2027's Juneteenth is a Saturday: Friday observed
        assert federal_only not in closed, federal_only
    assert date(2026, 2, 16) in holidays_of("US-NC", [2026]), "the package's own calendar"


def test_a_name_the_calendar_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no holiday named Presidents Day"):
        holidays_of("US-NC; except Presidents Day", [2026])
    with pytest.raises(ValueError, match="write 'except'"):
        holidays_of("US-NC; Juneteenth National Independence Day", [2026])
    with pytest.raises(ValueError, match="no holiday named Presidents Day"):  # at the start
        Settings(_env_file=None, helpdesk_holidays="US-NC; except Presidents Day")


def test_the_setting_holds_in_years_the_calendar_does_not_reach():
    """Found by CI: a time-skipping server whose clock had passed 2100 (the package's last
    year) made every new case fail, the names being checked against empty years. And a year
    before Juneteenth existed still knows the name."""
    assert holidays_of(STATE, [2101, 2102, 2103]) == []
    assert date(2019, 1, 1) in holidays_of(STATE, [2019])
    assert date(2019, 6, 19) not in holidays_of(STATE, [2019])
    with pytest.raises(ValueError, match="no holiday named Presidents Day"):
        holidays_of("US-NC; except Presidents Day", [2101])


def test_a_weekend_holiday_closes_the_desk_on_its_observed_day_only():
    """A holiday on a Saturday (the desk's open day, 8 AM-4 PM) closed the desk on the Friday
    the state observes it and on the Saturday too: 2026 had fourteen closed days for the
    state's twelve (July 3 and 4, December 28 and 26). The observed day alone closes it."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from models.business_hours import business_hours

    closed = holidays_of(STATE, [2026, 2027, 2028])
    # the Office of State Human Resources' twelve: Christmas's third day on Monday the 28th
    assert [d for d in closed if d.year == 2026] == [*NC_2026, date(2026, 12, 28)]
    for saturday, observed in ((date(2026, 7, 4), date(2026, 7, 3)),
                               (date(2028, 11, 11), date(2028, 11, 10)),
                               (date(2028, 1, 1), date(2027, 12, 31))):
        assert saturday not in closed and observed in closed, saturday
    assert date(2026, 12, 26) not in closed and date(2026, 12, 28) in closed  # Sat -> Mon
    # a case's two hours asked on the observed Friday are counted from Saturday's opening
    eastern = ZoneInfo("America/New_York")
    asked = datetime(2026, 7, 3, 10, 0, tzinfo=eastern)
    hours = business_hours(Settings.model_fields["helpdesk_hours"].default, "America/New_York",
                           STATE, asked)
    assert hours.add(asked, timedelta(hours=2)) == datetime(2026, 7, 4, 10, 0, tzinfo=eastern)
