"""A doses box in a real browser takes what a person types: "1,000" is received as a thousand
(a number box sent nothing for it, and the page said "This field is required."), "1e3" is
refused beside the box saying why, what was typed kept; each state accessible."""

import uuid
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import vaccinating_site
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_doses_typed_with_a_comma_or_an_exponent(page, system):
    site = await vaccinating_site(system)
    lot = f"COMMA-{uuid.uuid4().hex[:6].upper()}"
    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/inventory/{site.location_id}")
    await page.get_by_label("Product").select_option(label="Moderna COVID-19 Vaccine (CVX 207)")
    await page.get_by_label("Lot number").fill(lot)
    await page.get_by_label("Expiration date").fill(str(date.today() + timedelta(days=90)))
    await page.locator("#receive-doses").fill("1,000")
    await page.get_by_role("button", name="Add to inventory").click()
    await expect(page.get_by_role("status")).to_contain_text("Received 1,000 doses")
    await expect(page.get_by_role("row", name=lot).first).to_contain_text("1,000")
    await assert_accessible(page)

    adjust = page.locator("form[action$='/adjust']")
    await adjust.locator("#adjust-lot_id").select_option(index=1)
    await adjust.get_by_label("What happened").select_option("wastage")
    await adjust.locator("#adjust-doses").fill("1e3")
    await adjust.get_by_label("Reason").fill("Freezer failed")
    await page.get_by_role("button", name="Record").click()
    await expect(page.locator("#adjust-doses-error")).to_have_text(
        "Write the number in digits, like 1000 or 1,000 (not 1e3).")
    await expect(page.locator("#error-summary a")).to_contain_text("Doses")
    await expect(adjust.locator("#adjust-doses")).to_have_value("1e3")
    await expect(adjust.get_by_label("Reason")).to_have_value("Freezer failed")
    await assert_accessible(page)
