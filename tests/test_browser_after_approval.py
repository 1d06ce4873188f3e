"""An enrolled site's storage unit the reviewer did not approve, in a real browser: the
reviewer sees the change above the decision, the coordinator the reason where the unit is
listed and on the location's page (found by the outside check)."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.enrollment import add_storage_unit, photo
from tests.support.review import enrolled_site
from tests.test_after_approval_outside_check import _in_queue, _unit_status
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_storage_unit_not_approved_in_the_browser(page, system):
    site = await enrolled_site(system, "Browser Change Clinic")
    email, location_id = site.email, site.location_id
    coordinator, staff = site.coordinator, site.staff
    added = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                   brand="Stirling", model="ULT25")
    unit_id = added.json()["id"]
    await _in_queue(staff, location_id)

    person = await make_user(system, Role.REVIEWER)
    await log_in(page, person.email)
    await page.goto(f"/review/locations/{location_id}")
    await expect(page.get_by_role("heading", name="The change to review")).to_be_visible()
    await expect(page.locator("main")).to_contain_text(
        "A storage unit added to this enrolled site: Stirling ULT25")
    await assert_accessible(page)
    await page.get_by_label("Reason").fill("The inside photo shows another unit")
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("status")).to_contain_text("The change was rejected")
    assert await _unit_status(staff, location_id, unit_id) == "rejected"

    await page.context.clear_cookies()
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b")
    await expect(page.get_by_role("heading", name="The storage unit Stirling ULT25 was not "
                                                 "approved")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("The inside photo shows another unit")
    await assert_accessible(page)
    await page.get_by_role("link", name="Add the unit again with new photos").click()
    await expect(page.get_by_role("cell", name="Not approved.")).to_be_visible()
    await expect(page.get_by_role("button", name="Pause and save")).to_have_count(0)
    await assert_accessible(page)
