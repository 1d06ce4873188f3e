"""A person whose updated answers place them in a phase not open yet still sees the appointment
they booked on their status page, with the way to change or cancel it."""

import uuid

from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, person, vaccinating_site, walk_in
from tests.support.web import CSRF


async def test_the_status_page_names_a_booking_made_before_the_answers_changed(system):
    """Found by the outside check: a person who booked while eligible and then corrected their
    answers (a health care worker who is not one) read only "Not yet: your group's phase is not
    open ... check this page again": the appointment still booked for them was named nowhere
    on the page, so they could neither go to it knowingly nor cancel it from there."""
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    email = f"st-{uuid.uuid4().hex[:6]}@example.org"
    walked = await walk_in(site, email=email)
    base = recipient_path(system.settings.secret_key.get_secret_value(), walked["id"])
    async with system.http() as http:
        http.cookies.set("cvms_lang", "en")
        booking = await http.get(f"{base}/appointments")
        booked = await http.post(f"{base}/appointments", data={
            "slot_id": str(slot), "csrf_token": CSRF.search(booking.text)[1]})
        assert booked.status_code == 303, booked.text
        form = await http.get(f"{base}/edit")
        details = {**person("x", email), "first_name": "Ana",
                   "last_name": walked.get("last_name") or "", "industry": "other"}
        details = {k: v for k, v in details.items() if v is not None}
        saved = await http.post(base, data={
            **details, "csrf_token": CSRF.search(form.text)[1]})
        assert saved.status_code == 303, saved.text
        status = await http.get(f"{base}/status")
    shown = " ".join(status.text.split())
    assert "Not yet" in shown, shown
    assert "Your appointment for dose 1: " in shown and f", at {site.name}, " in shown, shown
    assert "Change or cancel your appointment" in shown
