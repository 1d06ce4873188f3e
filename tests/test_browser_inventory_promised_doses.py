"""Doses promised to a transfer not yet shipped, then reported lost (found by the outside check
of inventory): the person recording the loss is told the transfer can no longer ship as it is,
not left to find out when the sender presses "Mark as shipped"."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.inventory import (
    key,
    lot_id,
    request_transfer,
    transfer_status,
    two_sites_holding,
)
from tests.support.review import reviewer
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_wasting_doses_a_transfer_asked_for_says_the_transfer_cannot_ship(page, system):
    held = await two_sites_holding(system, ["Promised Sender", "Promised Receiver"], "PR-25",
                                   30, await reviewer(system))
    lot = await lot_id(held.sender, held.source, "PR-25")
    asked = await request_transfer(held.sender, held.source, held.target, lot, 25)
    assert asked.status_code == 201, asked.text
    number = asked.json()["number"]
    await log_in(page, held.sites.emails[held.source])
    await page.goto(f"/inventory/{held.source}")
    notice = page.get_by_role("status")
    adjust = page.locator("form[action$='/adjust']")
    for doses, reason in (("5", "Five doses drawn wrong"), ("15", "Freezer failed overnight")):
        await adjust.locator("#adjust-lot_id").select_option(str(lot))
        await adjust.get_by_label("What happened").select_option("wastage")
        await adjust.locator("#adjust-doses").fill(doses)
        await adjust.get_by_label("Reason").fill(reason)
        await page.get_by_role("button", name="Record").click()
        await expect(notice).to_contain_text(f"Recorded: wastage, {doses} doses.")
        if doses == "5":  # 25 left, as many as asked for: nothing more to say
            await expect(notice).not_to_contain_text("cannot be shipped")
    await expect(notice).to_contain_text(
        f"Only 10 doses of lot PR-25 are left, and {number} asks for 25: it cannot be shipped "
        "as it is. Cancel it and request what is on hand, or receive more of this lot.")
    await assert_accessible(page)


async def test_an_approved_transfer_short_of_doses_says_so_to_its_sender(page, system):
    """The sending site's page of an approved transfer offered "Mark as shipped" with nothing
    said when the lot no longer held the doses (wasted, given since): pressing it was the only
    way to learn it could not ship, and what to do."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Short Sender", "Short Receiver"], "SH-25", 30,
                                   state)
    lot = await lot_id(held.sender, held.source, "SH-25")
    asked = await request_transfer(held.sender, held.source, held.target, lot, 25)
    assert asked.status_code == 201, asked.text
    url = f"/api/v1/transfers/{asked.json()['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    await transfer_status(held.sender, asked.json()["id"], "approved")
    wasted = await held.sender.post(
        f"/api/v1/locations/{held.source}/inventory/lots/{lot}/adjustments",
        json={"kind": "wastage", "doses": 20, "reason": "Freezer failed", "request_key": key()})
    assert wasted.status_code == 201, wasted.text
    await log_in(page, held.sites.emails[held.source])
    await page.goto(f"/transfers/{asked.json()['id']}")
    await expect(page.locator("main")).to_contain_text(
        "Short Sender holds only 10 doses of lot SH-25 now, fewer than the 25 this transfer "
        "asks for: it cannot be shipped as it is. Cancel it and request what is on hand, or "
        "receive more of this lot.")
    await assert_accessible(page)
