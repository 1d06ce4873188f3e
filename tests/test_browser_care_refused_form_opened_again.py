"""A refused point-of-care form leaves the browser at the address it was sent to
(`.../recipients/{id}/record`, `/care/doses/{id}/remove`). Opened again from there (a new tab,
a restored session, Enter in the address bar) it answered 405 "That action is not available
here" with a link to the home page only: the provider lost their way to the person in front
of them (found by the outside check). Now it leads back to the person's page, or to the
dose's correction page, as the booking pages' answers do; another location's person stays
not found."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_refused_dose_form_opened_again_leads_back_to_the_person(page, system):
    site = await vaccinating_site(system)
    lot_id = await stock(system, site, "212", "JAN-AGAIN", doses=5)
    someone = await walk_in(site)
    person_page = f"/care/{site.location_id}/recipients/{someone['id']}"
    await log_in(page, site.emails[Role.PROVIDER])
    await page.goto(person_page)
    await page.get_by_role("button", name="Save dose").click()  # nothing chosen: refused
    await expect(page.locator("#error-summary")).to_be_visible()
    assert page.url.endswith(f"{person_page}/record")
    answer = await page.goto(page.url)  # the refused form's address, opened again
    assert answer.status == 200
    await expect(page.get_by_role("button", name="Save dose")).to_be_visible()
    assert page.url.endswith(person_page)
    await assert_accessible(page)

    dose = (await give(site, someone["id"], lot_id)).json()
    await page.goto(f"/care/doses/{dose['id']}/edit")
    await page.get_by_role("button", name="Remove dose").click()  # no reason: refused
    await expect(page.locator("#error-summary")).to_be_visible()
    assert page.url.endswith(f"/care/doses/{dose['id']}/remove")
    answer = await page.goto(page.url)
    assert answer.status == 200
    await expect(page.get_by_role("button", name="Remove dose")).to_be_visible()
    assert page.url.endswith(f"/care/doses/{dose['id']}/edit")

    elsewhere = await vaccinating_site(system)
    stranger = await walk_in(elsewhere)
    answer = await page.goto(f"/care/{elsewhere.location_id}/recipients/{stranger['id']}/record")
    assert answer.status in (403, 404)
