"""Found by the outside check: someone whose second-dose appointment was booked with their
first dose (at the desk, or on their own link) was reminded on the due day to "Book a time for
your second dose from your link": booking again is refused ("you already have an appointment"),
and the email left them unsure whether their appointment still stood. The reminder now names
the appointment they have, when and where, in their language."""

from datetime import timedelta

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
        starts = await ts_system.env.get_current_time() + timedelta(days=30)
        slot = await site.manager.post(
            f"/api/v1/locations/{site.location_id}/appointment-slots",
            json={"starts_at": starts.isoformat(), "capacity": 1, "dose_number": 2})
        assert slot.status_code == 201, slot.text
        made = await site.provider.post(
            f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments",
            json={"slot_id": slot.json()["id"]})
        assert made.status_code == 201, made.text
        booked.append((email, language, site.name, dose["id"]))
    handle = await _reminder(ts_system, booked[-1][3])
    send_at = (await handle.query(SecondDoseReminderWorkflow.detail)).due
    await ts_system.env.sleep(send_at - await ts_system.env.get_current_time() + HOUR)
    for email, language, name, _dose in booked:
        mail = await ts_system.smtp.one(to=email, subject=SUBJECT[language])
        assert NAMED[language] in mail.text and name in mail.text, mail.text
        assert NAMED[language] in mail.html, mail.html
        assert BOOK_AGAIN[language] not in mail.text + mail.html, mail.text
