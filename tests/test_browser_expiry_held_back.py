"""The inventory page says why no lot's date can be corrected now, instead of hiding the form."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.inventory import lot_id, request_transfer, two_sites_holding
from tests.support.review import reviewer
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_no_correctable_lot_says_why_instead_of_hiding_the_form(page, system):
    """With its only lot asked for in a transfer, the site's "Correct an expiration date" form
    was gone without a word (and /inventory/N/expiry led to an anchor that was not there): a
    manager with a wrong date on the label could not tell why. The heading stays, saying the
    lot's date is corrected once its transfer is settled."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Date Sender", "Date Receiver"], "DATE-1", 20,
                                   state)
    asked = await request_transfer(held.sender, held.source, held.target,
                                   await lot_id(held.sender, held.source, "DATE-1"), 5)
    assert asked.status_code == 201, asked.text
    await log_in(page, held.sites.emails[held.source])
    await page.goto(f"/inventory/{held.source}/expiry")
    heading = page.get_by_role("heading", name="Correct an expiration date")
    await expect(heading).to_be_visible()
    said = page.locator("#expiry-none")
    await expect(said).to_contain_text("DATE-1")
    await expect(said).to_contain_text(asked.json()["number"])
    await expect(said).to_contain_text("once the transfer is settled")
    await assert_accessible(page)
