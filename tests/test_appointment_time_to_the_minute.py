"""Found by an outside check: times offered through the API with seconds (10:00:00 and
10:00:30) were two times, both shown as "10:00 AM" on every page and email, so recipients saw
the same time twice. A time is offered to the minute: the seconds given are dropped (the
answer says the time kept), and the same minute offered again is refused on the field."""

from datetime import datetime, time, timedelta

from core.timefmt import EASTERN
from models.base import as_utc, utcnow
from models.care_rules import local_today
from tests.support.care import vaccinating_site


async def test_a_time_offered_with_seconds_is_kept_to_the_minute(system):
    site = await vaccinating_site(system)
    api = f"/api/v1/locations/{site.location_id}/appointment-slots"
    day = local_today(utcnow()) + timedelta(days=3)
    ten = datetime.combine(day, time(10), EASTERN)

    first = await site.manager.post(api, json={"starts_at": ten.isoformat(), "capacity": 5})
    assert first.status_code == 201, first.text
    again = await site.manager.post(api, json={
        "starts_at": (ten + timedelta(seconds=30)).isoformat(), "capacity": 5})
    assert again.status_code == 409, again.text
    assert list(again.json()["errors"]) == ["starts_at"], again.text

    later = await site.manager.post(api, json={
        "starts_at": (ten + timedelta(hours=1, seconds=45, microseconds=500)).isoformat(),
        "capacity": 2})
    assert later.status_code == 201, later.text
    kept = as_utc(datetime.fromisoformat(later.json()["starts_at"]))
    assert kept == as_utc(ten + timedelta(hours=1)), later.text

    listed = (await site.manager.get(api)).json()
    assert sorted(as_utc(datetime.fromisoformat(s["starts_at"])) for s in listed) == [
        as_utc(ten), as_utc(ten + timedelta(hours=1))], listed
