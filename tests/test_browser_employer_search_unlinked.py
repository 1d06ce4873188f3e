"""State staff find the organizations no vaccinating location serves yet, in a real browser:
the tag in the list, the box that keeps those alone, each state accessible."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.test_browser_enrollment import log_in
from tests.test_employer_search_unlinked import two_organizations

pytestmark = pytest.mark.browser


async def test_state_staff_find_the_organizations_with_no_location(page, system):
    word, _lm, staff, _state, _linked, _bare = await two_organizations(system)
    await log_in(page, staff.email)
    await page.goto("/portal/organizations")
    await page.get_by_label("Organization name").fill(f"Quarry {word}")
    await page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("No vaccinating location yet")
    await expect(rows.nth(1)).to_contain_text(f"Cedar {word} Clinic")
    await assert_accessible(page)
    await page.get_by_label("Only organizations with no vaccinating location yet").check()
    await page.get_by_role("button", name="Search").click()
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0)).to_contain_text(f"Quarry {word} Bare")
    await expect(page.get_by_label("Only organizations with no vaccinating location yet")
                 ).to_be_checked()
    await expect(page.get_by_label("Organization name")).to_have_value(f"Quarry {word}")
    await assert_accessible(page)
