"""The day's appointments asked for a day that is not one (an address typed or altered:
?day=abc, ?day=2026-02-30) said nothing and showed today as if it were the day asked for."""

from tests.support.care import vaccinating_site


async def test_a_day_that_is_not_one_is_named_on_its_field_not_shown_as_today(system):
    site = await vaccinating_site(system)
    url = f"/care/{site.location_id}/appointments"
    fine = await site.manager.get(url, params={"day": "2026-03-02"})
    assert fine.status_code == 200 and 'value="2026-03-02"' in fine.text
    for typed in ("abc", "2026-02-30"):
        page = await site.manager.get(url, params={"day": typed})
        assert page.status_code == 422, (typed, page.status_code)
        assert f"There is no day \u201c{typed}\u201d" in page.text
        assert 'aria-describedby="show-day-error"' in page.text
        # the summary links to the day to show, not to the offered time's day above it
        assert '<a class="usa-link" href="#show-day">Day to show: There is no day' in page.text
        assert 'id="day-error"' not in page.text
