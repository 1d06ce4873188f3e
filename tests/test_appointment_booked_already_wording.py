"""A recipient who already has an appointment and books another time (a second tab opened
before the first booking, the Back button) was told to cancel theirs "to choose another
time", while the page beside it offers to change it to another time in one step. The refusal
now says both ways, in English and in Spanish, and nothing is booked twice."""

import html

import pytest

from models.recipient_rules import recipient_path
from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import CSRF


@pytest.mark.parametrize(("language", "said"), [
    ("en", "You already have an appointment: change it to another time, or cancel it."),
    ("es", "Ya tiene una cita: cámbiela a otra hora o cancélela."),
])
async def test_a_second_booking_is_told_it_can_change_the_first(system, language, said):
    site = await vaccinating_site(system)
    first, second = await offer_slot(site, 3, capacity=2), await offer_slot(site, 4, capacity=2)
    person = await walk_in(site, language=language)
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as visitor:
        token = CSRF.search((await visitor.get(f"{link}/appointments")).text)[1]
        booked = await visitor.post(f"{link}/appointments",
                                    data={"csrf_token": token, "slot_id": first})
        assert booked.status_code == 303, booked.text
        again = await visitor.post(f"{link}/appointments",
                                   data={"csrf_token": token, "slot_id": second})
    assert again.status_code == 409, again.text
    assert said in html.unescape(again.text)
    url = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
    assert [b["slot_id"] for b in (await site.provider.get(url)).json()["booked"]] == [first]
