"""The Recipient Portal's status page names the appointment a person has booked (when and where,
in their language) instead of asking them to book one; the booking page says where its times
are before one is chosen."""

import uuid

from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import CSRF


async def test_the_status_page_names_the_booked_appointment_and_the_times_say_where(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    person = await walk_in(site, email=f"st-{uuid.uuid4().hex[:6]}@example.org", language="es")
    base = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as http:
        status = await http.get(f"{base}/status", headers={"Cookie": "cvms_lang=en"})
        assert "Book an appointment" in status.text
        booking = await http.get(f"{base}/appointments", headers={"Cookie": "cvms_lang=en"})
        assert f"These times are at {site.name}," in booking.text
        booked = await http.post(f"{base}/appointments", data={
            "slot_id": str(slot), "csrf_token": CSRF.search(booking.text)[1]})
        assert booked.status_code == 303, booked.text
        english = await http.get(f"{base}/status", headers={"Cookie": "cvms_lang=en"})
        spanish = await http.get(f"{base}/status", headers={"Cookie": "cvms_lang=es"})
    assert "Your appointment for dose 1: " in english.text
    assert f", at {site.name}, " in english.text
    assert "Change or cancel your appointment" in english.text
    assert "Book an appointment" not in english.text
    assert "Su cita para la dosis 1: " in spanish.text and "(hora del Este)" in spanish.text
    assert "Reservar una cita" not in spanish.text
