"""A Location Manager who offered a time by mistake (the wrong day, too many places) changes its
places or withdraws it: never below the people who booked it, never while anyone holds a place
(they are named, to be moved or cancelled first), and a withdrawn time is neither shown nor
booked; offering it again brings it back. On the page and in the API, for the location's
managers only."""

import html
import re
from datetime import timedelta

from models.administrations import AppointmentSlot
from models.base import utcnow
from models.enums import Role
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import browser


async def _book(site, person: dict, slot: int):
    url = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
    return await site.provider.post(url, json={"slot_id": slot})


async def test_places_never_below_the_booked_and_a_booked_time_is_not_withdrawn(system):
    site = await vaccinating_site(system)
    slots = f"/api/v1/locations/{site.location_id}/appointment-slots"
    slot = await offer_slot(site, 3, capacity=5)
    people = [await walk_in(site) for _ in range(2)]
    for person in people:
        assert (await _book(site, person, slot)).status_code == 201

    fewer = await site.manager.patch(f"{slots}/{slot}", json={"capacity": 1})
    assert fewer.status_code == 409, fewer.text
    assert "capacity" in fewer.text and "2 people booked this time" in fewer.text
    assert (await site.manager.patch(f"{slots}/{slot}", json={"capacity": 0})).status_code == 422
    exact = await site.manager.patch(f"{slots}/{slot}", json={"capacity": 2})
    assert exact.status_code == 200 and exact.json()["capacity"] == 2, exact.text

    held = await site.manager.delete(f"{slots}/{slot}")
    assert held.status_code == 409 and "slot_id" in held.text, held.text
    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, slot)).capacity == 2

    # the location's providers read the times, only its managers change them
    assert [s["id"] for s in (await site.provider.get(slots)).json()] == [slot]
    assert (await site.provider.patch(f"{slots}/{slot}", json={"capacity": 3})).status_code == 403
    assert (await site.provider.delete(f"{slots}/{slot}")).status_code == 403
    other = await vaccinating_site(system)
    elsewhere = await other.manager.delete(
        f"/api/v1/locations/{other.location_id}/appointment-slots/{slot}")
    assert elsewhere.status_code == 404
    assert (await other.manager.delete(f"{slots}/{slot}")).status_code in (403, 404)


async def test_a_withdrawn_time_is_not_shown_nor_booked_and_comes_back_when_offered_again(system):
    site = await vaccinating_site(system)
    slots = f"/api/v1/locations/{site.location_id}/appointment-slots"
    starts_at = (utcnow() + timedelta(days=4)).isoformat()
    made = await site.manager.post(slots, json={"starts_at": starts_at, "capacity": 3})
    slot = made.json()["id"]
    assert (await site.manager.delete(f"{slots}/{slot}")).status_code == 204
    assert (await site.manager.delete(f"{slots}/{slot}")).status_code == 204  # a retry
    assert slot not in [s["id"] for s in (await site.manager.get(slots)).json()]

    person = await walk_in(site)
    choices = await site.provider.get(
        f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments")
    assert slot not in [s["id"] for s in choices.json()["open_slots"]]
    refused = await _book(site, person, slot)
    assert refused.status_code == 404 and "not offered" in refused.text, refused.text
    withdrawn = await site.manager.patch(f"{slots}/{slot}", json={"capacity": 2})
    assert withdrawn.status_code == 409 and "withdrawn" in withdrawn.text

    again = await site.manager.post(slots, json={"starts_at": starts_at, "capacity": 2})
    assert again.status_code == 201 and again.json()["id"] == slot, again.text
    assert again.json()["capacity"] == 2
    assert (await _book(site, person, slot)).status_code == 201


async def test_the_manager_changes_and_withdraws_a_time_on_its_page(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=4)
    person = await walk_in(site)
    assert (await _book(site, person, slot)).status_code == 201
    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    listing = await manager.get(f"/care/{site.location_id}/appointments")
    page = f"/care/{site.location_id}/appointments/slots/{slot}"
    assert f'href="{page}"' in listing.text

    typed = await manager.submit(page, {"capacity": "lots"})
    assert typed.status_code == 422
    assert 'id="capacity-error"' in typed.text and 'value="lots"' in typed.text
    below = await manager.submit(page, {"capacity": "0"})
    assert below.status_code == 422 and 'id="capacity-error"' in below.text

    shown = (await manager.get(page)).text
    assert "Withdraw this time</button>" not in shown  # someone holds a place
    assert f"{person['last_name']}, Ana" in html.unescape(shown)
    assert f"/care/{site.location_id}/recipients/{person['id']}/appointment" in shown
    withdraw = f"{page}/withdraw"
    held = await manager.submit(page, {}, action=withdraw)
    assert held.status_code == 409 and "1 person booked this time" in held.text

    cancel = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
    booked = (await site.provider.get(cancel)).json()["booked"][0]["appointment_id"]
    assert (await site.provider.delete(f"{cancel}/{booked}")).status_code == 204
    saved = await manager.submit(page, {"capacity": "2"})
    assert saved.status_code == 200 and "2 places now, 0 booked." in html.unescape(saved.text)
    gone = await manager.submit(page, {}, action=withdraw)
    assert gone.status_code == 200 and "withdrawn" in gone.text
    assert f'href="{page}"' not in gone.text
    assert (await manager.get(page)).status_code == 404

    other = await vaccinating_site(system)
    stranger = browser(system)
    await stranger.login(other.emails[Role.LOCATION_MANAGER])
    assert (await stranger.get(page)).status_code in (403, 404)
    assert re.search(r"Withdraw", (await stranger.get(page)).text) is None
