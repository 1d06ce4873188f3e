"""Found by an outside check: a person whose series was complete (a single-dose vaccine's dose
1) was booked a "dose 2" time by the location's staff through the API (201), and by their own
link from a page opened before (a time's number sent), and emailed "Your appointment for dose
2 is on ..." for a dose they must not be given; their booking page said the series was complete
and offered no time, and a correction that completes a series cancels such a booking. Booking
is refused on the time, saying the series is complete, and nothing is booked."""

import uuid

from sqlmodel import select

from models.administrations import Appointment, AppointmentSlot
from models.recipient_rules import recipient_path
from tests.support.care import give, offer_slot, stock, vaccinating_site, walk_in
from tests.support.web import CSRF


async def test_a_complete_series_books_no_further_dose(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "212", f"JJ-{uuid.uuid4().hex[:5].upper()}")
    email = f"complete-{uuid.uuid4().hex[:6]}@example.org"
    await offer_slot(site, 2, capacity=3)
    slot = await offer_slot(site, 30, capacity=3, dose_number=2)
    person = await walk_in(site, email=email)
    base = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    http = system.http()
    # their booking page, opened before the dose (an old tab): its form's token
    token = CSRF.search((await http.get(f"{base}/appointments")).text)[1]
    assert (await give(site, person["id"], lot)).status_code == 201
    api = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"

    choices = (await site.provider.get(api)).json()
    assert choices["series_complete"] is True and choices["open_slots"] == []
    staff = await site.provider.post(api, json={"slot_id": slot})
    assert staff.status_code == 422, staff.text
    assert "completed their vaccination series" in staff.json()["errors"]["slot_id"]

    own = await http.post(f"{base}/appointments",
                          data={"slot_id": str(slot), "csrf_token": token})
    await http.aclose()
    assert own.status_code == 422, own.text
    assert "You have completed your vaccination series" in own.text

    async with system.sessions() as session:
        assert (await session.get(AppointmentSlot, slot)).booked == 0
        assert (await session.exec(select(Appointment).where(
            Appointment.recipient_id == person["id"]))).all() == []
    assert system.smtp.find(to=email, subject="appointment is booked") == []
