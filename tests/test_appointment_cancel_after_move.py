"""Found by an outside check: a person asked "Cancel your appointment on <time>?" in one tab,
who moved it to another time in a second tab, then said yes in the first, had the moved
appointment cancelled: the question named a time it no longer had. The answer carries how
often the appointment had moved when asked; moved since, nothing is cancelled and the page
says to look again. Alike for the location's staff."""

import re

from sqlmodel import select

from models.administrations import BOOKED, CANCELLED, Appointment
from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import CSRF, browser


async def _status(system, appointment_id: int) -> tuple[str, int]:
    async with system.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        return appointment.status, appointment.slot_id


async def test_a_cancellation_asked_before_a_move_cancels_nothing(system):
    site = await vaccinating_site(system)
    first, second = await offer_slot(site, 3, capacity=2), await offer_slot(site, 4, capacity=2)
    someone = await walk_in(site, email="moved-then-cancelled@example.org")
    base = recipient_path(system.settings.secret_key.get_secret_value(), someone["id"])
    async with system.http() as http:
        token = CSRF.search((await http.get(f"{base}/appointments")).text)[1]
        await http.post(f"{base}/appointments", data={"slot_id": str(first),
                                                      "csrf_token": token})
        page = (await http.get(f"{base}/appointments")).text
        appointment = int(re.search(r"/appointments/(\d+)/cancel", page)[1])
        asked = await http.post(f"{base}/appointments/{appointment}/cancel",
                                data={"csrf_token": token})
        seen = re.search(r'name="moves" value="(\d+)"', asked.text)[1]
        moved = await http.post(f"{base}/appointments/{appointment}/reschedule",
                                data={"slot_id": str(second), "csrf_token": token})
        assert moved.status_code == 303, moved.text
        stale = await http.post(f"{base}/appointments/{appointment}/cancel", data={
            "csrf_token": token, "confirm": "yes", "moves": seen})
        assert stale.status_code == 409 and "changed meanwhile" in stale.text, stale.text
        assert await _status(system, appointment) == (BOOKED, second)

        asked = await http.post(f"{base}/appointments/{appointment}/cancel",
                                data={"csrf_token": token})
        seen = re.search(r'name="moves" value="(\d+)"', asked.text)[1]
        done = await http.post(f"{base}/appointments/{appointment}/cancel", data={
            "csrf_token": token, "confirm": "yes", "moves": seen})
        assert done.status_code == 303
    assert (await _status(system, appointment))[0] == CANCELLED


async def test_the_staffs_cancellation_asked_before_a_move_cancels_nothing(system):
    site = await vaccinating_site(system)
    first, second = await offer_slot(site, 3, capacity=2), await offer_slot(site, 4, capacity=2)
    someone = await walk_in(site)
    api = f"/api/v1/locations/{site.location_id}/recipients/{someone['id']}/appointments"
    appointment = (await site.provider.post(api, json={"slot_id": first})).json()[
        "appointment_id"]
    staff = browser(system)
    await staff.login(site.emails[Role.PROVIDER])
    where = f"/care/{site.location_id}/recipients/{someone['id']}/appointment"
    page = await staff.get(where)
    token = CSRF.search(page.text)[1]
    asked = await staff.http.post(f"{where}/{appointment}/cancel", data={"csrf_token": token})
    seen = re.search(r'name="moves" value="(\d+)"', asked.text)[1]
    assert (await site.provider.put(f"{api}/{appointment}",
                                    json={"slot_id": second})).status_code == 200
    stale = await staff.http.post(f"{where}/{appointment}/cancel", data={
        "csrf_token": token, "confirm": "yes", "moves": seen})
    assert stale.status_code == 409, stale.text
    assert "Their appointment changed meanwhile" in stale.text
    async with system.sessions() as session:
        kept = (await session.exec(select(Appointment).where(
            Appointment.id == appointment))).one()
    assert (kept.status, kept.slot_id) == (BOOKED, second)
