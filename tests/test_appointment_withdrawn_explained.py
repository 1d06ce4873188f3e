"""Found by the outside check of the recipient side: a person booked their dose 2, then the
location removed their dose 1 as entered in error, which cancels the booking (it no longer
fits their doses). The email they got read as if they had cancelled it themselves: "Your
appointment for dose 2 ... is cancelled." and "Book another time from your link when you are
ready.", with no word of why (they had cancelled nothing). Now it says the location corrected
their vaccination record so the time no longer fits their doses, and that their link shows
their doses and the dose to book next, in their language; a person's own cancellation reads
as before."""

import uuid

from models.recipient_rules import recipient_path
from tests.support.care import give, offer_slot, stock, vaccinating_site, walk_in
from tests.support.web import CSRF, browser

WHY = {"en": "corrected your vaccination record",
       "es": "corrigió su registro de vacunación"}
NEXT = {"en": "Open your link to see the doses on your record",
        "es": "Abra su enlace para ver las dosis de su registro"}
SUBJECT = {"en": "Your COVID-19 vaccination appointment is cancelled",
           "es": "Su cita de vacunación contra el COVID-19 está cancelada"}


async def test_a_booking_cancelled_by_a_dose_correction_says_why(system):
    site = await vaccinating_site(system)
    moderna = await stock(system, site, "207", f"WX-{uuid.uuid4().hex[:5]}")  # 28 days apart
    for language in ("en", "es"):
        email = f"withdrawn-{language}-{uuid.uuid4().hex[:6]}@example.org"
        person = await walk_in(site, email=email, language=language)
        dose = (await give(site, person["id"], moderna)).json()
        slot = await offer_slot(site, 29, 5, dose_number=2)
        url = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
        assert (await site.provider.post(url, json={"slot_id": slot})).status_code == 201
        removed = await site.provider.post(f"/api/v1/administrations/{dose['id']}/removal",
                                           json={"reason": "Given to someone else"})
        assert removed.status_code == 200, removed.text
        mail = await system.smtp.one(to=email, subject=SUBJECT[language])
        for part in (mail.text, mail.html):
            assert WHY[language] in part and site.name in part, part
            assert NEXT[language] in part, part


async def test_a_persons_own_cancellation_reads_as_before(system):
    site = await vaccinating_site(system)
    email = f"own-cancel-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email)
    slot = await offer_slot(site, 3, 5)
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    visitor = browser(system)
    token = CSRF.search((await visitor.get(f"{link}/appointments")).text)[1]
    booked = await visitor.http.post(f"{link}/appointments",
                                     data={"csrf_token": token, "slot_id": slot})
    assert booked.status_code in (200, 303), booked.text
    url = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
    appointment = (await site.provider.get(url)).json()["booked"][0]["appointment_id"]
    cancelled = await visitor.http.post(f"{link}/appointments/{appointment}/cancel",
                                        data={"csrf_token": token, "confirm": "yes"})
    assert cancelled.status_code in (200, 303), cancelled.text
    mail = await system.smtp.one(to=email, subject=SUBJECT["en"])
    assert "Book another time from your link when you are ready." in mail.text
    assert WHY["en"] not in mail.text
