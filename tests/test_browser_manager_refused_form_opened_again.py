"""A Location Manager's refused form (a recipient file that is not a spreadsheet, a time offered
for a day gone) is answered at the address it was sent to (`/recipients/uploads`,
`/care/{location}/appointments/slots`). Opened again from there (a new tab, a restored session,
Enter in the address bar) it answered 405 "That action is not available here", with the home
page only (found by the outside check). Now it leads back to the page the form is on."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.care import offer_slot, vaccinating_site
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_refused_upload_or_time_opened_again_leads_back_to_its_page(page, system):
    site = await vaccinating_site(system)
    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": "people.txt", "mimeType": "text/plain", "buffer": b"not a spreadsheet"}])
    await page.get_by_role("button", name="Upload").click()
    await expect(page.locator("#error-summary")).to_be_visible()
    assert page.url.endswith("/recipients/uploads")
    answer = await page.goto(page.url)
    assert answer.status == 200
    await expect(page.get_by_role("button", name="Upload")).to_be_visible()
    assert page.url.endswith("/recipients")

    await page.goto(f"/care/{site.location_id}/appointments")
    await page.locator("#day").fill("2020-03-02")
    await page.get_by_label("Time (North Carolina)").fill("09:30")
    await page.get_by_label("Places").fill("3")
    await page.get_by_role("button", name="Offer this time").click()
    await expect(page.locator("#day-error")).to_be_visible()
    assert page.url.endswith(f"/care/{site.location_id}/appointments/slots")
    answer = await page.goto(page.url)
    assert answer.status == 200
    await expect(page.get_by_role("button", name="Offer this time")).to_be_visible()
    assert page.url.endswith(f"/care/{site.location_id}/appointments")

    slot = await offer_slot(site, 3, capacity=2)  # a refused withdrawal's address, too
    answer = await page.goto(f"/care/{site.location_id}/appointments/slots/{slot}/withdraw")
    assert answer.status == 200
    assert page.url.endswith(f"/care/{site.location_id}/appointments/slots/{slot}")
