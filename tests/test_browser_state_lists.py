"""The state's lists in a browser: the search box is drawn whole (it had USWDS's search-button
style, no right border and shorter than the lists beside it), an empty result says what was
searched and offers to clear it, and a filter that is no choice keeps the list on screen with
the problem on its field."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_the_search_box_an_empty_result_and_a_bad_filter(page, system):
    staff = await make_user(system, Role.REVIEWER)
    await log_in(page, staff.email)
    await page.goto("/state/locations")
    box = page.locator("#f-q")
    border = await box.evaluate("e => parseFloat(getComputedStyle(e).borderRightWidth)")
    assert border >= 1, border
    heights = [await page.locator(f"#{i}").evaluate("e => e.getBoundingClientRect().height")
               for i in ("f-q", "f-status")]
    assert abs(heights[0] - heights[1]) < 2, heights
    await box.fill("nothing-matches-this")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("No locations match “nothing-matches-this”")).to_be_visible()
    await page.get_by_role("link", name="Clear the search and filters").click()
    await expect(page.locator("#f-q")).to_have_value("")
    await page.goto("/state/locations?age=5&q=nothing-matches-this")
    await expect(page.locator("#f-age-error")).to_contain_text("Choose")
    await expect(page.locator("#error-summary")).to_be_visible()
    await assert_accessible(page)
