"""Found by an outside check: someone whose second-dose appointment is at another location
than their first dose was reminded with the first dose's address and phone ("Where: ...")
right under the first dose, before the appointment: which place to go to was unclear. With
a booking, the reminder gives the place of the appointment (its address and its phone) and
the first dose only by its location's name."""

from datetime import timedelta

from models.administrations import Appointment, AppointmentSlot
from models.enrollment import Location, Organization
from tests.support.care import give, vaccinating_site
from tests.test_second_dose_reminders import HOUR, SUBJECT, _reminder, _setup, _today
from workflows.second_dose import SecondDoseReminderWorkflow


async def test_the_reminder_gives_the_place_of_the_appointment_booked_elsewhere(ts_system):
    site, lot, person, email = await _setup(ts_system, "207")
    elsewhere = await vaccinating_site(ts_system, name="Oak Avenue Clinic")
    async with ts_system.sessions() as session:
        place = await session.get(Location, elsewhere.location_id)
        place.street, place.city, place.zip_code = "77 Oak Ave", "Cary", "27511"
        session.add(place)
        organization = await session.get(Organization, place.organization_id)
        organization.phone = "919-555-0177"
        session.add(organization)
        first = await session.get(Location, site.location_id)
        first_organization = await session.get(Organization, first.organization_id)
        first_organization.phone = "919-555-0100"
        session.add(first_organization)
        await session.commit()
    dose = (await give(site, person["id"], lot, on=await _today(ts_system))).json()
    starts = await ts_system.env.get_current_time() + timedelta(days=30)
    async with ts_system.sessions() as session:
        slot = AppointmentSlot(location_id=elsewhere.location_id, starts_at=starts,
                               capacity=1, booked=1, dose_number=2)
        session.add(slot)
        await session.flush()
        session.add(Appointment(slot_id=slot.id, recipient_id=person["id"]))
        await session.commit()
    handle = await _reminder(ts_system, dose["id"])
    send_at = (await handle.query(SecondDoseReminderWorkflow.detail)).due
    await ts_system.env.sleep(send_at - await ts_system.env.get_current_time() + HOUR)
    mail = await ts_system.smtp.one(to=email, subject=SUBJECT["en"])
    text = " ".join(mail.text.split())
    assert f"at {site.name}." in text, text
    assert "Your appointment for dose 2 is on" in text and "at Oak Avenue Clinic" in text, text
    assert "Where: 77 Oak Ave, Cary, NC 27511" in text and "Phone: 919-555-0177" in text, text
    assert "1 Main St" not in text and "919-555-0100" not in text, text
    html = " ".join(mail.html.split())
    assert "77 Oak Ave, Cary, NC 27511" in html and "919-555-0177" in html, html
    assert "1 Main St" not in html and "919-555-0100" not in html, html
