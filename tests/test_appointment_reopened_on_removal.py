"""Found by an outside check: a dose recorded for the wrong person on the day of their
appointment closed it as attended (its place freed, the day's list saying "Dose given");
removing the dose as entered in error left it so: the person had lost their appointment
still to come that evening without being told, and the list said they were vaccinated. The
removal reopens the appointment the dose had closed (taking its place again), as it was."""

import asyncio
import uuid
from datetime import datetime, time, timedelta

from models.administrations import ATTENDED, BOOKED, Appointment, AppointmentSlot
from models.base import utcnow
from models.care_rules import EASTERN, local_today
from tests.support.care import give, offer_slot, stock, vaccinating_site, walk_in


async def _later_today() -> float:
    """Days from now to a moment later today (North Carolina), waiting for tomorrow when
    today ends within minutes."""
    now = utcnow()
    midnight = datetime.combine(local_today(now) + timedelta(days=1), time(0), EASTERN)
    if midnight - now < timedelta(minutes=10):
        await asyncio.sleep((midnight - now).total_seconds() + 1)
        return await _later_today()
    return min((midnight - now) / 2, timedelta(hours=2)) / timedelta(days=1)


async def test_removing_a_dose_reopens_the_appointment_it_closed(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RO-{uuid.uuid4().hex[:5].upper()}")
    slot = await offer_slot(site, await _later_today(), capacity=1)
    person = await walk_in(site, email=f"reopened-{uuid.uuid4().hex[:6]}@example.org")
    api = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
    booked = await site.provider.post(api, json={"slot_id": slot})
    assert booked.status_code == 201, booked.text
    appointment = booked.json()["appointment_id"]
    dose = await give(site, person["id"], lot)
    assert dose.status_code == 201, dose.text
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).status == ATTENDED

    removed = await site.provider.post(f"/api/v1/administrations/{dose.json()['id']}/removal",
                                       json={"reason": "Entered for the wrong person"})
    assert removed.status_code == 200, removed.text
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).status == BOOKED
        assert (await session.get(AppointmentSlot, slot)).booked == 1
    choices = (await site.provider.get(api)).json()
    assert [b["appointment_id"] for b in choices["booked"]] == [appointment]
    day = local_today(utcnow())
    listed = (await site.provider.get(f"/api/v1/locations/{site.location_id}/appointments",
                                      params={"day": str(day)})).json()
    assert [(a["appointment_id"], a["status"]) for a in listed] == [(appointment, BOOKED)]
