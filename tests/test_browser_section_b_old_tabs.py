"""Section B's pages used from an old tab (or pressed twice) after the location moved on, in
Chromium: each lands on a page that says where things stand, by a redirect (a reload sends
nothing again), never "This could not be done" (409)."""

import pytest
from playwright.async_api import expect

from tests.support.enrollment import (
    complete_location,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_an_old_tabs_resubmit_after_the_resubmission_went_to_review(page, system):
    """Two tabs showed the rejected location's Resubmit; the first reopened Section B and the
    coordinator resubmitted it, then pressed Resubmit in the other: "This could not be done
    ... Only a rejected location can be resubmitted. This location's status: Waiting for
    review." (409). It lands on the location's page, told it is with the reviewers."""
    enrollment = await start_enrollment(system, ["Old Tab Resubmit Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Photos are blurry")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    await log_in(page, email)
    overview = f"/locations/{location_id}/section-b"
    await page.goto(overview)
    old = await page.context.new_page()
    await old.goto(overview)
    await page.get_by_role("button", name="Resubmit").click()
    await expect(page).to_have_url(f"{system.base_url}{overview}/location")
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")

    await old.get_by_role("button", name="Resubmit").click()
    await expect(old).to_have_url(f"{system.base_url}{overview}")
    await expect(old.get_by_role("status")).to_contain_text(
        "Section B was already resubmitted. It is with the Immunization Branch's reviewers. "
        "The location's status: Waiting for review.")
    await expect(old.locator("main")).not_to_contain_text("could not be done")
    await old.reload()  # a page to reload: nothing is sent again
    await expect(old).to_have_url(f"{system.base_url}{overview}")
    await wait_for_status(system, location_id, "pending_review")
