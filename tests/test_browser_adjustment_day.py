"""The page's "Adjust a lot" form takes the day a loss counted on paper happened, keeps what was
typed when the day is refused (named on the field), and the ledger shows the day it happened."""

from datetime import timedelta

import pytest
from playwright.async_api import expect

from models.base import utcnow
from models.care_rules import local_today
from tests.support.a11y import assert_accessible
from tests.support.inventory import enrolled_sites, lot_received
from tests.support.review import reviewer
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_paper_loss_is_entered_with_its_day_on_the_page(page, system):
    sites = await enrolled_sites(system, ["Paper Day Page Clinic"], redistribution=False,
                                 state=await reviewer(system))
    (site, staff), = sites.staff.items()
    today = local_today(utcnow())
    lot = await lot_received(system, staff, site, "PAPER-P1", 12, days_ago=9)
    await log_in(page, sites.emails[site])
    await page.goto(f"/inventory/{site}")
    adjust = page.locator("form[action$='/adjust']")
    await adjust.locator("#adjust-lot_id").select_option(str(lot))
    await adjust.get_by_label("What happened").select_option("wastage")
    await adjust.locator("#adjust-doses").fill("4")
    await adjust.get_by_label("Reason").fill("Vials broken in the outage")
    await adjust.get_by_label("Day it happened").fill(str(today - timedelta(days=10)))
    await page.get_by_role("button", name="Record").click()
    day_field = page.locator("#adjust-occurred_on")
    await expect(page.locator("#adjust-occurred_on-error")).to_contain_text("arrived here on")
    await expect(day_field).to_have_value(str(today - timedelta(days=10)))
    await expect(page.locator("#adjust-doses")).to_have_value("4")
    await expect(page.locator("#adjust-reason")).to_have_value("Vials broken in the outage")
    await day_field.fill(str(today - timedelta(days=3)))
    await page.get_by_role("button", name="Record").click()
    await expect(page.get_by_role("status")).to_contain_text("Recorded: wastage, 4 doses.")
    row = page.locator("#ledger ~ table tbody tr").first
    await expect(row).to_contain_text("Happened on")
    await expect(row).to_contain_text("Wastage")
    await assert_accessible(page)
