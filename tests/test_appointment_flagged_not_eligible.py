"""Found by an outside check: a person who booked a first dose while eligible and then changed
their answers (a health care worker who is not one: their phase is not open) kept the booking,
and nothing told the location: the day's list said "Booked" as for anyone. The booking stays
(the person may have answered wrong: the provider judges at the point of care, and a place
cancelled for answers corrected back would be lost), but it is flagged: the day's list (page
and API) and the staff's page for the person say their answers no longer make them eligible
for a first dose, to check before giving it; the person's status page says the same to them,
with the way to cancel."""

import html
import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, person, vaccinating_site, walk_in
from tests.support.web import CSRF

FLAG = ("Their answers no longer make them eligible for a first dose (Not yet: their group's "
        "phase is not open): check their eligibility before giving it.")


async def test_a_first_dose_booking_whose_answers_changed_is_flagged(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 0.01, capacity=2)
    email = f"fl-{uuid.uuid4().hex[:6]}@example.org"
    walked = await walk_in(site, email=email)
    base = recipient_path(system.settings.secret_key.get_secret_value(), walked["id"])
    day = str(local_today(utcnow() + timedelta(days=0.01)))
    async with system.http() as http:
        http.cookies.set("cvms_lang", "en")
        booking = await http.get(f"{base}/appointments")
        booked = await http.post(f"{base}/appointments", data={
            "slot_id": str(slot), "csrf_token": CSRF.search(booking.text)[1]})
        assert booked.status_code == 303, booked.text
        listed = (await site.provider.get(f"/api/v1/locations/{site.location_id}/appointments",
                                          params={"day": day})).json()
        assert [(a["status"], a["flag"]) for a in listed] == [("booked", None)]

        form = await http.get(f"{base}/edit")
        details = {**person("x", email), "first_name": "Ana",
                   "last_name": walked.get("last_name") or "", "industry": "other"}
        details = {k: v for k, v in details.items() if v is not None}
        saved = await http.post(base, data={
            **details, "csrf_token": CSRF.search(form.text)[1]})
        assert saved.status_code == 303, saved.text
        status = await http.get(f"{base}/status")
    shown = html.unescape(" ".join(status.text.split()))
    assert "Your appointment for dose 1: " in shown, shown
    assert ("Your answers now say you cannot get a first dose yet. Cancel this appointment "
            "unless your answers were wrong: the location checks your eligibility when you "
            "come.") in shown, shown

    listed = (await site.provider.get(f"/api/v1/locations/{site.location_id}/appointments",
                                      params={"day": day})).json()
    assert [(a["recipient_id"], a["status"], a["flag"]) for a in listed] == [
        (walked["id"], "booked", FLAG)]
    page = await site.provider.get(f"/care/{site.location_id}/appointments",
                                   params={"day": day})
    assert FLAG in html.unescape(" ".join(page.text.split())), page.text
    mine = await site.provider.get(
        f"/care/{site.location_id}/recipients/{walked['id']}/appointment")
    assert FLAG in html.unescape(" ".join(mine.text.split())), mine.text
