"""Found by the outside check of the recipient side: a location turned appointment scheduling
off (it takes walk-ins only; bookings already made stay), then a person cancelled the booking
they kept. Their page rightly said the location takes walk-ins, but the cancellation email's
next step told them to "Book another time from your link when you are ready", which their link
no longer offers. With scheduling off, the email now says the location takes walk-ins and
where to come, in their language (as the second-dose reminder does); with it on, as before."""

import uuid

from tests.support.care import offer_slot, vaccinating_site, walk_in

SUBJECT = {"en": "Your COVID-19 vaccination appointment is cancelled",
           "es": "Su cita de vacunación contra el COVID-19 está cancelada"}
BOOK = {"en": "Book another time from your link when you are ready.",
        "es": "Cuando le convenga, reserve otra hora desde su enlace."}
WALK_IN = {"en": "takes walk-ins: come to", "es": "atiende sin cita: venga a"}


async def test_a_cancellation_with_scheduling_off_points_to_walk_ins(system):
    site = await vaccinating_site(system)
    switch = f"/api/v1/locations/{site.location_id}/appointment-scheduling"
    for language in ("en", "es"):
        on = await site.manager.put(switch, json={"appointments_on": True})
        assert on.status_code == 200, on.text
        email = f"walkins-{language}-{uuid.uuid4().hex[:6]}@example.org"
        person = await walk_in(site, email=email, language=language)
        url = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
        booked = await site.provider.post(url, json={"slot_id": await offer_slot(site, 3, 5)})
        assert booked.status_code == 201, booked.text
        off = await site.manager.put(switch, json={"appointments_on": False})
        assert off.status_code == 200, off.text

        cancelled = await site.provider.delete(f"{url}/{booked.json()['appointment_id']}")
        assert cancelled.status_code == 204, cancelled.text
        mail = await system.smtp.one(to=email, subject=SUBJECT[language])
        for part in (mail.text, mail.html):
            assert BOOK[language] not in part, part
            assert f"{site.name} {WALK_IN[language]}" in part, part
