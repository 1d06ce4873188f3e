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
from tests.support.care import booked_then_not_eligible, offer_slot, vaccinating_site

FLAG = ("Their answers no longer make them eligible for a first dose (Not yet: their group's "
        "phase is not open): check their eligibility before giving it.")


async def test_a_first_dose_booking_whose_answers_changed_is_flagged(system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, 0.01, capacity=2)
    email = f"fl-{uuid.uuid4().hex[:6]}@example.org"
    day = str(local_today(utcnow() + timedelta(days=0.01)))

    async def listed_unflagged(_walked: dict) -> None:
        listed = (await site.provider.get(f"/api/v1/locations/{site.location_id}/appointments",
                                          params={"day": day})).json()
        assert [(a["status"], a["flag"]) for a in listed] == [("booked", None)]

    walked, _, status = await booked_then_not_eligible(system, site, slot, email,
                                                       listed_unflagged)
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
