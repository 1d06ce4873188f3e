"""Count boxes in a real browser take "1,000" as people write it (a number box sent nothing
for it): an appointment's Places and Section B's patients per week, each page accessible."""

from datetime import timedelta

import pytest
from playwright.async_api import expect

from models.base import utcnow
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import vaccinating_site
from tests.support.enrollment import register_coordinator, start_enrollment
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_places_and_patients_typed_with_a_comma(page, system):
    site = await vaccinating_site(system)
    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/care/{site.location_id}/appointments")
    await page.locator("#day").fill((utcnow() + timedelta(days=20)).date().isoformat())
    await page.get_by_label("Time (North Carolina)").fill("09:30")
    await page.get_by_label("Places").fill("1,000")
    await page.get_by_role("button", name="Offer this time").click()
    await expect(page.get_by_role("status")).to_contain_text("1,000 places offered")
    await assert_accessible(page)

    enrollment = await start_enrollment(system, ["Comma Browser Clinic"])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    await page.context.clear_cookies()
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b/provider")
    await page.get_by_label("Average number of patients seen per week").fill("1e3")
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator("#patients_per_week-error")).to_contain_text(
        "Write the number in digits, like 1000 or 1,000 (not 1e3).")
    await expect(page.get_by_label("Average number of patients seen per week")).to_have_value(
        "1e3")
    await page.get_by_label("Average number of patients seen per week").fill("1,000")
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator("#patients_per_week-error")).to_have_count(0)
    await expect(page.get_by_label("Average number of patients seen per week")).to_have_value(
        "1,000")
    await assert_accessible(page)
