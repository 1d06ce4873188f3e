"""Step 6's storage capacity, filled for one kind of storage only, says on each kind left empty
that 0 is the answer for a kind the location does not have.

Found by the newcomer check: a clinic with a refrigerator and no freezer typed its refrigerated
vials and pressed Next; beside Frozen and Ultra-cold it was told "Enter your storage capacity in
10-dose vials, or choose No capacity", where No capacity was untrue and 0 was what it lacked."""

import pytest
from playwright.async_api import Page, expect

from tests.support.a11y import assert_accessible
from tests.support.enrollment import register_coordinator, start_enrollment
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_capacity_for_one_kind_of_storage_is_told_to_enter_0_for_the_others(
        page: Page, system):
    enrollment = await start_enrollment(system, ["Fridge Only Clinic"])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b/population")
    await page.get_by_label("General population").check()
    await page.get_by_label("Reporting status").fill("NCIR-123")
    await page.get_by_label("Refrigerated (2°C to 8°C)").fill("30")
    await page.get_by_role("button", name="Next").click()
    for field in ("frozen_vials", "ultra_cold_vials"):
        await expect(page.locator(f"#{field}-error")).to_contain_text("enter 0")
    await expect(page.locator("#refrigerated_vials-error")).to_have_count(0)
    await expect(page.get_by_label("Refrigerated (2°C to 8°C)")).to_have_value("30")
    await assert_accessible(page)
    await page.get_by_label("Refrigerated (2°C to 8°C)").fill("")
    await page.get_by_role("button", name="Next").click()  # nothing typed: the choice as before
    await expect(page.locator("#refrigerated_vials-error")).to_contain_text("choose No capacity")
