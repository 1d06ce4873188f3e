"""The page a resubmission lands on, in the moment before the location's process has moved it
on to review, says what is true: the officers' signatures already cover it.

Found by the newcomer check: after "Adopt and use, and submit Section B" on a rejected location,
the page said "Status: Waiting for the officers' signatures", "Waiting on: Responsible officers
(CEO and CMO): sign the provider agreement" and, below, "Your CEO and CMO have already signed for
this location: they are not asked again". The process projects "awaiting signatures" and, a
moment later (seconds on a loaded machine), "pending review"; the page read the first."""

import pytest
from playwright.async_api import Page, expect

from models.enrollment import Location
from models.enrollment_enums import WAITING_OFFICERS, LocationStatus
from tests.support.a11y import assert_accessible
from tests.support.enrollment import complete_location, sign_and_submit, start_enrollment
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_resubmission_in_its_moment_before_review_does_not_ask_for_signatures(
        page: Page, system):
    enrollment = await start_enrollment(system, ["Moment Before Review Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Retake the photos.")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    base = f"/api/v1/locations/{location_id}"
    assert (await coordinator.post(f"{base}/section-b/resubmit")).status_code == 200
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")
    async with system.sessions() as session:  # as the process's first projection left it
        location = await session.get(Location, location_id)
        location.status, location.waiting_on = LocationStatus.AWAITING_SIGNATURES, WAITING_OFFICERS
        session.add(location)
        await session.commit()

    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b")
    stands = page.get_by_role("region", name="Where this location stands")
    await expect(stands).to_contain_text("Waiting on: Immunization Branch: review the location")
    await expect(stands).not_to_contain_text("Waiting for the officers' signatures")
    await expect(stands).not_to_contain_text("sign the provider agreement")
    await expect(page.get_by_text("they are not asked again")).to_be_visible()
    await assert_accessible(page)
    # the coordinator's list of locations and the administrator's dashboard say it alike
    await page.goto("/locations")
    row = page.get_by_role("row", name="Moment Before Review Clinic")
    await expect(row).to_contain_text("Immunization Branch: review the location")
    await expect(row).not_to_contain_text("Waiting for the officers' signatures")
    dashboard = (await enrollment.admin.get("/organization")).text
    assert "Moment Before Review Clinic" in dashboard
    assert "Waiting for the officers&#39; signatures" not in dashboard
    assert "Waiting for the officers' signatures" not in dashboard
