"""A person whose updated answers place them in a phase not open yet still sees the appointment
they booked on their status page, with the way to change or cancel it."""

import uuid

from tests.support.care import booked_then_not_eligible, offer_slot, vaccinating_site


async def test_the_status_page_names_a_booking_made_before_the_answers_changed(system):
    """Found by the outside check: a person who booked while eligible and then corrected their
    answers (a health care worker who is not one) read only "Not yet: your group's phase is not
    open ... check this page again": the appointment still booked for them was named nowhere
    on the page, so they could neither go to it knowingly nor cancel it from there."""
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 3, capacity=2)
    email = f"st-{uuid.uuid4().hex[:6]}@example.org"
    _, _, status = await booked_then_not_eligible(system, site, slot, email)
    shown = " ".join(status.text.split())
    assert "Not yet" in shown, shown
    assert "Your appointment for dose 1: " in shown and f", at {site.name}, " in shown, shown
    assert "Change or cancel your appointment" in shown
