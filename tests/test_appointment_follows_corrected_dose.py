"""Found by an outside check: a dose recorded on the day of the person's appointment closed it
as attended; correcting the dose's day (it was given the day before, from a paper form) left
the appointment attended, so the day's list said "Dose given" on a day no dose was given. A
correction now makes the appointment follow the dose: no longer matching it, it is released
(the dose was given on another day: the place stays free, the day's list no longer names
it); corrected back to that day, the appointment is attended again."""

from datetime import timedelta

from models.administrations import ATTENDED, RELEASED, Appointment, AppointmentSlot
from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import attended_today, vaccinating_site


def _edit(dose: dict, on) -> dict:
    return {"dose_number": dose["dose_number"], "administered_on": str(on),
            "site": dose["site"], "route": dose["route"],
            "provider_name": dose["provider_name"]}


async def test_a_dose_moved_to_another_day_no_longer_attends_the_appointment(system):
    site = await vaccinating_site(system)
    given = await attended_today(system, site, "FC")
    api, slot, appointment, dose = given.api, given.slot, given.appointment, given.dose.json()

    today = local_today(utcnow())
    moved = await site.provider.put(f"/api/v1/administrations/{dose['id']}",
                                    json=_edit(dose, today - timedelta(days=1)))
    assert moved.status_code == 200, moved.text
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).status == RELEASED
        assert (await session.get(AppointmentSlot, slot)).booked == 0
    listed = (await site.provider.get(f"/api/v1/locations/{site.location_id}/appointments",
                                      params={"day": str(today)})).json()
    assert listed == []
    choices = (await site.provider.get(api)).json()
    assert choices["booked"] == []

    back = await site.provider.put(f"/api/v1/administrations/{dose['id']}",
                                   json=_edit(dose, today))
    assert back.status_code == 200, back.text
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).status == ATTENDED
        assert (await session.get(AppointmentSlot, slot)).booked == 0
    listed = (await site.provider.get(f"/api/v1/locations/{site.location_id}/appointments",
                                      params={"day": str(today)})).json()
    assert [(a["appointment_id"], a["status"]) for a in listed] == [(appointment, ATTENDED)]
