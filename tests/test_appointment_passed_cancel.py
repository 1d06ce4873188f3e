"""Found by an outside check: a person who pressed "Cancel this appointment" on a booking page
opened before their appointment's time, once that time had passed, was not asked to confirm
and read "This process has already finished, so the action was not applied." (in English on
a Spanish page, in the words of the system's machinery); the location's staff got the same
409. A passed appointment is history, as it is for a move: the cancellation is refused on the
time, saying why in the person's language, and nothing changes."""

import asyncio
import re
import uuid

from models.administrations import BOOKED, Appointment, AppointmentSlot
from models.base import as_utc, utcnow
from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import CSRF

SOON = 40  # seconds: the appointment's time, which its process waits for and then ends


async def _state(system, appointment_id: int) -> tuple[str, int]:
    async with system.sessions() as session:
        appointment = await session.get(Appointment, appointment_id)
        slot = await session.get(AppointmentSlot, appointment.slot_id)
        return appointment.status, slot.booked


async def test_an_appointment_whose_time_passed_is_not_cancelled(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, SOON / 86400, capacity=2)
    email = f"pasada-{uuid.uuid4().hex[:6]}@example.org"
    spanish = await walk_in(site, email=email, language="es")
    phoned = await walk_in(site)
    base = recipient_path(system.settings.secret_key.get_secret_value(), spanish["id"])
    api = f"/api/v1/locations/{site.location_id}/recipients/{phoned['id']}/appointments"
    async with system.http() as http:
        token = CSRF.search((await http.get(f"{base}/appointments")).text)[1]
        booked = await http.post(f"{base}/appointments",
                                 data={"slot_id": str(slot), "csrf_token": token})
        assert booked.status_code == 303, booked.text
        page = (await http.get(f"{base}/appointments")).text
        mine = int(re.search(r"/appointments/(\d+)/cancel", page)[1])
        theirs = (await site.provider.post(api, json={"slot_id": slot})).json()["appointment_id"]
        async with system.sessions() as session:
            starts = as_utc((await session.get(AppointmentSlot, slot)).starts_at)
        await asyncio.sleep(max(0.0, (starts - utcnow()).total_seconds()) + 5)

        # the button of the page opened before the time, pressed after it
        late = await http.post(f"{base}/appointments/{mine}/cancel", data={"csrf_token": token})
    assert late.status_code == 409, late.text
    assert "La hora de esta cita ya pasó: no se puede cancelar." in late.text, late.text
    assert "process" not in late.text
    staff = await site.provider.delete(f"{api}/{theirs}")
    assert staff.status_code == 409, staff.text
    assert staff.json()["errors"]["slot_id"] == (
        "The time of this appointment has passed: it cannot be cancelled."), staff.text
    assert await _state(system, mine) == (BOOKED, 2)
    assert await _state(system, theirs) == (BOOKED, 2)
    assert system.smtp.find(to=email, subject="cancelada") == []
