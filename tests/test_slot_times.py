"""A time a Location Manager offers is a real moment in the coming year: 2:30 AM on the day
clocks spring forward does not exist (it was saved silently as 3:30 AM EDT), 1:30 AM the day
they fall back happens twice (it was taken as EDT silently), a day in 2099 is a
typing mistake, and a past day is named on the day (it was named on the time, and only once
the other fields were right)."""

from datetime import date, timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.care import vaccinating_site
from tests.support.web import browser


def spring_forward() -> date:
    """The next day US clocks move from 2:00 to 3:00 AM: March's second Sunday."""
    today = local_today(utcnow())
    for year in (today.year, today.year + 1):
        first = date(year, 3, 1)
        day = first + timedelta(days=(6 - first.weekday()) % 7 + 7)
        if day > today:
            return day
    raise AssertionError("unreachable")


def fall_back() -> date:
    """The next day US clocks move from 2:00 back to 1:00 AM: November's first Sunday."""
    today = local_today(utcnow())
    for year in (today.year, today.year + 1):
        first = date(year, 11, 1)
        day = first + timedelta(days=(6 - first.weekday()) % 7)
        if day > today:
            return day
    raise AssertionError("unreachable")


async def test_an_offered_time_is_a_real_moment_in_the_coming_year(system):
    site = await vaccinating_site(system)
    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    page = f"/care/{site.location_id}/appointments"
    action = f"{page}/slots"

    async def offer(day: str, at: str, capacity: str = "5") -> str:
        answer = await manager.submit(page, {"day": day, "at": at, "capacity": capacity,
                                             "dose_number": "1"}, action=action)
        assert answer.status_code == 422, (day, at, answer.status_code)
        return answer.text

    spring = await offer(str(spring_forward()), "02:30")
    assert 'id="at-error"' in spring and "does not exist" in spring
    assert "2:00" in spring and "3:00" in spring
    twice = await offer(str(fall_back()), "01:30")  # EDT or EST? it was taken as EDT silently
    assert 'id="at-error"' in twice and "happens twice" in twice
    assert "2:00" in twice and "1:00" in twice
    far = await offer("2099-03-14", "10:00")
    assert 'id="day-error"' in far and "within the next year" in far
    yesterday = str(local_today(utcnow()) - timedelta(days=1))
    both = await offer(yesterday, "10:00", capacity="0")
    assert 'id="day-error"' in both and 'id="capacity-error"' in both
    assert "today or a later day" in both
    api = await site.manager.post(f"/api/v1/locations/{site.location_id}/appointment-slots",
                                  json={"starts_at": "2099-03-14T10:00:00-04:00",
                                        "capacity": 5, "dose_number": 1})
    assert api.status_code == 422 and "within the next year" in api.json()["errors"][
        "starts_at"], api.text
