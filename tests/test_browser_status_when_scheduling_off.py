"""A recipient with an appointment at a location that has turned scheduling off is offered, on
their status page, to cancel it: the page said "Change or cancel your appointment", and the
appointment page it leads to can only cancel (no time can be booked or moved to there; found
by the outside check of the recipient's journey)."""

import pytest
from playwright.async_api import expect

from tests.support.care import offer_slot, vaccinating_site, walk_in
from tests.support.web import unique_email

pytestmark = pytest.mark.browser
LINK_MAIL = "Su registro de vacunación contra el COVID-19 y su enlace personal"


async def test_a_booking_kept_after_scheduling_is_off_is_offered_to_cancel_not_change(
        page, system):
    site = await vaccinating_site(system)
    slot = await offer_slot(site, days=3, capacity=2)
    address = unique_email("agenda")
    someone = await walk_in(site, email=address, language="es")
    booked = await site.provider.post(
        f"/api/v1/locations/{site.location_id}/recipients/{someone['id']}/appointments",
        json={"slot_id": slot})
    assert booked.status_code == 201, booked.text
    link = (await system.smtp.one(to=address, subject=LINK_MAIL)).link("/r/")
    await page.goto(link + "/status")
    await expect(page.get_by_role("link", name="Cambiar o cancelar su cita")).to_be_visible()

    off = await site.manager.put(f"/api/v1/locations/{site.location_id}/appointment-scheduling",
                                 json={"appointments_on": False})
    assert off.status_code == 200, off.text
    await page.reload()
    await expect(page.get_by_role("link", name="Cambiar o cancelar su cita")).to_have_count(0)
    await page.get_by_role("link", name="Cancelar esta cita").click()
    await expect(page.get_by_role("button", name="Cancelar esta cita")).to_be_visible()
