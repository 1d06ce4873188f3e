"""The state's lists in a browser: the search box is drawn whole (it had USWDS's search-button
style, no right border and shorter than the lists beside it), an empty result says what was
searched and offers to clear it, and a filter that is no choice keeps the list on screen with
the problem on its field."""

import uuid
from datetime import timedelta

import pytest
from playwright.async_api import expect

from models.base import utcnow
from models.enrollment import Organization
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


async def test_the_organizations_with_no_location_yet_under_the_list(page, system):
    """An organization with no location is on the state's view under the locations, with its
    status, age and administrator; the section passes axe at desktop and phone widths."""
    marker = f"bo{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER)
    admin = await make_user(system, Role.ORG_ADMIN, first_name="Ada", last_name="Admin")
    async with system.sessions() as session:
        session.add(Organization(legal_name=f"{marker} Clinic", admin_user_id=admin.id,
                                 created_at=utcnow() - timedelta(days=9)))
        await session.commit()
    await log_in(page, staff.email)
    await page.goto(f"/state/locations?q={marker}")
    section = page.get_by_role("heading", name="Organizations with no location yet")
    await expect(section).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"{marker} Clinic")
    for text in ("Section A in progress", "9 days", "Ada Admin", admin.email):
        await expect(row).to_contain_text(text)
    await assert_accessible(page)
