"""Found by the outside check: someone whose second-dose appointment was booked with their
first dose (at the desk, or on their own link) was reminded on the due day to "Book a time for
your second dose from your link": booking again is refused ("you already have an appointment"),
and the email left them unsure whether their appointment still stood. The reminder now names
the appointment they have, when and where, in their language."""

from datetime import timedelta

from models.administrations import Appointment, AppointmentSlot
from tests.support.care import give
from tests.test_second_dose_reminders import HOUR, SUBJECT, _reminder, _setup, _today
from workflows.second_dose import SecondDoseReminderWorkflow

NAMED = {"en": "Your appointment for dose 2 is on", "es": "Su cita para la dosis 2 es el"}
BOOK_AGAIN = {"en": "Book a time for your second dose", "es": "Reserve una hora para su segunda"}


async def test_the_reminder_names_the_second_dose_appointment_already_booked(ts_system):
    booked = []
    for language in ("es", "en"):
        site, lot, person, email = await _setup(ts_system, "207", language=language)
        dose = (await give(site, person["id"], lot, on=await _today(ts_system))).json()
        # Booked in the database, not through the API: the API offers times and checks a
        # booking by the wall clock (within a year of it), while the dose and the reminder are
        # on the time-skipping server's clock, which earlier tests in the process may have
        # skipped years past it (CI met that). Booking through the API: tests/test_appointments.
        starts = await ts_system.env.get_current_time() + timedelta(days=30)
        async with ts_system.sessions() as session:
            slot = AppointmentSlot(location_id=site.location_id, starts_at=starts, capacity=1,
                                   booked=1, dose_number=2)
            session.add(slot)
            await session.flush()
            session.add(Appointment(slot_id=slot.id, recipient_id=person["id"]))
            await session.commit()
        booked.append((email, language, site.name, dose["id"]))
    handle = await _reminder(ts_system, booked[-1][3])
    send_at = (await handle.query(SecondDoseReminderWorkflow.detail)).due
    await ts_system.env.sleep(send_at - await ts_system.env.get_current_time() + HOUR)
    for email, language, name, _dose in booked:
        mail = await ts_system.smtp.one(to=email, subject=SUBJECT[language])
        assert NAMED[language] in mail.text and name in mail.text, mail.text
        assert NAMED[language] in mail.html, mail.html
        assert BOOK_AGAIN[language] not in mail.text + mail.html, mail.text
