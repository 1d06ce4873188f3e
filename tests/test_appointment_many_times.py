"""Found by an outside check: a Location Manager who offered more than 50 times (a month of
hourly times) saw only the first 50 under "Times offered from now on", with nothing saying
more followed, and had no way to reach the later ones to change their places or withdraw
them, though recipients saw and booked them. The list says when more follow and links to
the times after the last one listed."""

import html
import re

from models.enums import Role
from tests.support.care import offer_slot, vaccinating_site
from tests.support.web import browser

LISTED = 50


async def test_a_manager_reaches_every_time_offered(system):
    site = await vaccinating_site(system)
    slots = [await offer_slot(site, 1 + n / 4, capacity=2) for n in range(LISTED + 6)]
    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    page = (await manager.get(f"/care/{site.location_id}/appointments")).text
    listed = {int(i) for i in re.findall(r"/appointments/slots/(\d+)\"", page)}
    assert listed == set(slots[:LISTED])
    later = re.search(r'href="([^"]+)">Show the times offered after these', page)
    assert later, "the page says more times follow, and where"
    after = (await manager.get(html.unescape(later[1]))).text
    shown = {int(i) for i in re.findall(r"/appointments/slots/(\d+)\"", after)}
    assert set(slots[LISTED:]) <= shown, "the later times are reached"
    assert "Show the times offered after these" not in after


async def test_the_api_pages_the_times_offered(system):
    site = await vaccinating_site(system)
    slots = [await offer_slot(site, 1 + n / 4, capacity=2) for n in range(LISTED + 2)]
    url = f"/api/v1/locations/{site.location_id}/appointment-slots"
    first = (await site.manager.get(url)).json()
    assert [s["id"] for s in first] == slots[:LISTED]
    later = await site.manager.get(url, params={"after": first[-1]["starts_at"]})
    assert later.status_code == 200, later.text
    assert [s["id"] for s in later.json()] == slots[LISTED:]
    naive = await site.manager.get(url, params={"after": "2027-01-05T10:00:00"})
    assert naive.status_code == 422 and "after" in naive.json()["errors"], naive.text
