"""Inventory and a transfer through the pages in a real browser."""

from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from api.domain.state_lists import pin
from models.enums import Role
from models.inventory import Transfer
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.inventory import (
    enrolled_sites,
    lot_id,
    request_transfer,
    transfer_status,
    two_sites_holding,
)
from tests.support.review import reviewer
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_receive_adjust_and_transfer_through_the_pages(page, system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Page Sender", "Page Receiver"], redistribution=False,
                                 state=state)
    (source, _), (target, _) = sites.staff.items()
    await log_in(page, sites.emails[source])
    await page.goto("/inventory")  # the Vaccine Inventory tab: the active location's
    await expect(page).to_have_url(f"{system.base_url}/inventory/{source}")
    await assert_accessible(page)
    await page.get_by_label("Product").select_option(label="Moderna COVID-19 Vaccine (CVX 207)")
    await page.get_by_label("Lot number").fill("PG-77")
    await page.get_by_label("Expiration date").fill(str(date.today() + timedelta(days=90)))
    await page.locator("#receive-doses").fill("100")
    await page.get_by_role("button", name="Add to inventory").click()
    await expect(page.get_by_role("status")).to_contain_text("Received 100 doses")
    await assert_accessible(page)
    # Back, then "Add to inventory" again (the page comes with a new key): the same doses of
    # the same lot minutes ago are added again only when it is said to be another shipment
    await page.go_back()
    await page.get_by_role("button", name="Add to inventory").click()
    await expect(page.locator("#receive-confirmed-error")).to_contain_text(
        "The same change was recorded")
    await expect(page.get_by_label("Lot number")).to_have_value("PG-77")
    await assert_accessible(page)
    ledger = page.get_by_role("table").last
    await expect(ledger.get_by_role("row")).to_have_count(2)  # the heading and one receipt
    await expect(ledger).to_contain_text("Moderna COVID-19 Vaccine, lot PG-77")
    await expect(ledger).not_to_contain_text("user:")  # who, by name
    await page.get_by_label("This is another shipment").check()
    await page.get_by_role("button", name="Add to inventory").click()
    await expect(page.get_by_role("status")).to_contain_text("Received 100 doses")
    await expect(page.get_by_role("row", name="PG-77").first).to_contain_text("200")
    # an empty form says what is missing, every field at once, in plain words
    await page.get_by_role("button", name="Request approval").click()
    summary = page.locator("#error-summary")
    for missing in ("Receiving site", "Lot", "Doses", "Reason"):
        await expect(summary).to_contain_text(missing)
    await expect(summary).not_to_contain_text("whole number")
    adjust = page.locator("form[action$='/adjust']")
    await adjust.locator("#adjust-lot_id").select_option(index=1)
    await adjust.get_by_label("What happened").select_option("wastage")
    await adjust.locator("#adjust-doses").fill("500")
    await adjust.get_by_label("Reason").fill("Vial dropped")
    await page.get_by_role("button", name="Record").click()
    await expect(page.locator(".usa-alert--error")).to_contain_text("Only 200 doses")
    await assert_accessible(page)
    await expect(adjust.get_by_label("Reason")).to_have_value("Vial dropped")
    await adjust.locator("#adjust-doses").fill("4")
    await page.get_by_role("button", name="Record").click()
    await expect(page.get_by_role("status")).to_contain_text("wastage, 4 doses")
    await assert_accessible(page)
    form = page.locator("form[action$='/transfer']")
    # A type-ahead, not a list of every site in the state: suggestions come from a search.
    assert await form.locator("#transfer-to_location_id-list option").count() == 0
    await form.get_by_label("Receiving site").press_sequentially("page rec", delay=30)
    suggestion = form.locator("#transfer-to_location_id-list option")
    await expect(suggestion).to_have_count(1)
    chosen = await suggestion.get_attribute("value")
    assert chosen.startswith("Page Receiver — ") and "(NCA" in chosen
    await form.get_by_label("Receiving site").fill(chosen)
    await form.locator("#transfer-lot_id").select_option(index=1)
    await form.locator("#transfer-doses").fill("25")
    await form.get_by_label("Reason").fill("Clinic event")
    await page.get_by_role("button", name="Request approval").click()
    await expect(page.get_by_role("status")).to_contain_text("is requested")
    await assert_accessible(page)
    number = (await page.get_by_role("status").inner_text()).split()[0]

    staff = await make_user(system, Role.REVIEWER)
    await page.context.clear_cookies()
    await log_in(page, staff.email)
    await page.goto("/state/transfers")
    await assert_accessible(page)
    await page.get_by_role("link", name=number).click()
    await assert_accessible(page)
    details = page.locator(".cvms-dl")
    await expect(details).to_contain_text("Moderna COVID-19 Vaccine")
    await expect(details).to_contain_text(sites.emails[source])  # who asked
    await page.get_by_role("button", name="Deny").click()  # without the reason the sites read
    await expect(page.locator("#reason-error")).to_contain_text("Give the reason for denying")
    await assert_accessible(page)
    await page.get_by_role("button", name="Approve").click()
    await expect(page.get_by_role("status")).to_contain_text("now approved")
    await assert_accessible(page)

    await page.context.clear_cookies()
    await log_in(page, sites.emails[source])
    await page.goto(f"/inventory/{source}")
    await assert_accessible(page)
    await page.get_by_role("link", name=number).click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Mark as shipped").click()
    await expect(page.get_by_role("status")).to_contain_text("now shipped")
    await assert_accessible(page)
    transfer_url = page.url
    await page.context.clear_cookies()
    await log_in(page, sites.emails[target])
    await page.goto(transfer_url)
    await assert_accessible(page)
    await page.get_by_role("button", name="Confirm receipt").click()
    await expect(page.get_by_role("status")).to_contain_text("now received")
    await assert_accessible(page)
    await page.goto(f"/inventory/{target}")
    await expect(page.get_by_role("cell", name="PG-77").first).to_be_visible()
    await expect(page.get_by_role("cell", name="+25")).to_be_visible()
    await assert_accessible(page)


async def test_a_transfer_request_sent_again_after_back_keeps_the_site_and_asks_first(page,
                                                                                      system):
    """After Back the request form kept the doses and reason but lost the receiving site, and
    sent again it made a second request without a word; receipts ask "This is another
    shipment"."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Back Sender", "Back Receiver"], "BACK-1", 50,
                                   state)
    sites, source, manager, target = held.sites, held.source, held.sender, held.target
    await log_in(page, sites.emails[source])
    await page.goto(f"/inventory/{source}")
    form = page.locator("form[action$='/transfer']")
    chosen = f"Back Receiver — Raleigh ({pin(target)})"
    await form.get_by_label("Receiving site").fill(chosen)
    await form.locator("#transfer-lot_id").select_option(index=1)
    await form.locator("#transfer-doses").fill("5")
    await form.get_by_label("Reason").fill("Clinic event")
    await page.get_by_role("button", name="Request approval").click()
    await expect(page.get_by_role("status")).to_contain_text("is requested")
    first = (await page.get_by_role("status").inner_text()).split()[0]
    await page.go_back()
    await expect(form.get_by_label("Receiving site")).to_have_value(chosen)
    await page.get_by_role("button", name="Request approval").click()
    await expect(page.locator("#transfer-confirmed-error")).to_contain_text(
        "The same request was made")
    await expect(page.locator("#transfer-confirmed-error")).to_contain_text(first)
    await expect(form.get_by_label("Receiving site")).to_have_value(chosen)
    await assert_accessible(page)
    await page.get_by_label("This is another request").check()
    await page.get_by_role("button", name="Request approval").click()
    await expect(page.get_by_role("status")).to_contain_text("is requested")
    assert (await page.get_by_role("status").inner_text()).split()[0] != first
    listed = (await manager.get(f"/api/v1/locations/{source}/transfers")).json()
    assert len(listed) == 2
    # Cancelling asks first (it cancelled at once, with no way back)
    second = max(t["id"] for t in listed)
    await page.goto(f"/transfers/{second}")
    await page.get_by_role("button", name="Cancel the transfer").click()
    await expect(page.get_by_role("alert")).to_contain_text("It cannot be taken up again")
    await expect(page.get_by_role("alert")).to_be_focused()  # the question is read out first
    await assert_accessible(page)
    await page.get_by_role("link", name="No, keep it").click()
    assert (await manager.get(f"/api/v1/transfers/{second}")).json()["status"] == "requested"
    await page.get_by_role("button", name="Cancel the transfer").click()
    await page.get_by_role("button", name="Yes, cancel the transfer").click()
    await expect(page.get_by_role("status")).to_contain_text("The transfer is now cancelled.")
    assert (await manager.get(f"/api/v1/transfers/{second}")).json()["status"] == "cancelled"
    # A page left open while the transfer was cancelled elsewhere: its Cancel is refused with
    # "Not done: ...", which takes focus so a screen reader announces it (a role=alert present
    # as the page loads is not read, and focus stayed at the top of the page)
    first_id = min(t["id"] for t in listed)
    await page.goto(f"/transfers/{first_id}")
    await page.get_by_role("button", name="Cancel the transfer").click()
    assert (await manager.post(f"/api/v1/transfers/{first_id}/cancel")).status_code == 200
    await page.get_by_role("button", name="Yes, cancel the transfer").click()
    refusal = page.get_by_role("alert").filter(has_text="Not done")
    await expect(refusal).to_be_focused()
    await assert_accessible(page)


async def test_a_transfer_not_shipped_in_time_says_what_to_do_on_a_phone(page, system):
    """A transfer flagged 'Not shipped in time' showed the red tag alone: the sending site was
    not told what the flag asks of it, and at 390 px the tag broke across two lines, its
    background in two ragged pieces. The page now says what comes next, the tag in one box."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Late Sender", "Late Receiver"], "LATE-1", 20,
                                   state)
    sites, source, manager, target = held.sites, held.source, held.sender, held.target
    asked = await request_transfer(manager, source, target,
                                   await lot_id(manager, source, "LATE-1"), 5)
    transfer = asked.json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    await transfer_status(manager, transfer["id"], "approved")
    async with system.sessions() as session:  # as the process flags it 3 days on
        late = await session.get(Transfer, transfer["id"])
        late.flagged = True
        session.add(late)
        await session.commit()
    await log_in(page, sites.emails[source])
    await page.set_viewport_size({"width": 390, "height": 900})
    await page.goto(f"/transfers/{transfer['id']}")
    tag = page.locator(".cvms-status", has_text="Not shipped in time")
    assert await tag.evaluate("t => t.getClientRects().length") == 1, "the tag is in pieces"
    await expect(page.get_by_text("Not shipped within 3 days of its approval")).to_contain_text(
        "Late Sender ships it now or cancels it")
    await assert_accessible(page)
