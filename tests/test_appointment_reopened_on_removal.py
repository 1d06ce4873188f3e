"""Found by an outside check: a dose recorded for the wrong person on the day of their
appointment closed it as attended (its place freed, the day's list saying "Dose given");
removing the dose as entered in error left it so: the person had lost their appointment
still to come that evening without being told, and the list said they were vaccinated. The
removal reopens the appointment the dose had closed (taking its place again), as it was."""

from models.administrations import BOOKED, Appointment, AppointmentSlot
from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import attended_today, vaccinating_site


async def test_removing_a_dose_reopens_the_appointment_it_closed(system):
    site = await vaccinating_site(system)
    given = await attended_today(system, site, "RO")
    api, slot, appointment, dose = given.api, given.slot, given.appointment, given.dose

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
