"""A transfer's page, opened from its email by either site or the state, says what comes next
and who does it."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.inventory import lot_id, request_transfer, transfer_status, two_sites_holding
from tests.support.review import reviewer
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_each_side_of_a_transfer_is_told_what_happens_next(page, system):
    """The receiving site, opening an approved transfer from its email, saw its details and
    status and nothing else: no word of who acts next (the sending site ships it, then the
    receiving site confirms receipt), nor, once shipped, that the sender waits on the
    receiver. Each status now says what happens next and who does it."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Next Sender", "Next Receiver"], "NEXT-1", 20,
                                   state)
    asked = await request_transfer(held.sender, held.source, held.target,
                                   await lot_id(held.sender, held.source, "NEXT-1"), 5)
    transfer = asked.json()
    url = f"/transfers/{transfer['id']}"
    await log_in(page, held.sites.emails[held.target])
    await page.goto(url)
    next_step = page.locator("#next-step")
    await expect(next_step).to_contain_text("The Immunization Branch approves or denies")
    assert (await state.post(f"/api/v1{url}/decision",
                             json={"decision": "approve"})).status_code == 200
    await transfer_status(held.sender, transfer["id"], "approved")
    await page.reload()
    await expect(next_step).to_contain_text("Next Sender ships the doses")
    await expect(next_step).to_contain_text("then Next Receiver confirms receipt")
    await assert_accessible(page)
    assert (await held.sender.post(f"/api/v1{url}/ship")).status_code == 200
    await transfer_status(held.sender, transfer["id"], "shipped")
    await page.context.clear_cookies()
    await log_in(page, held.sites.emails[held.source])
    await page.goto(url)
    await expect(next_step).to_contain_text("Next Receiver confirms receipt")
    await page.set_viewport_size({"width": 390, "height": 900})
    await assert_accessible(page)
