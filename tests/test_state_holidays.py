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
