"""Reactivating a practicing provider whose license another active provider at the location
now holds: the step's page says so next to that provider's Reactivate button (linked from
the error summary), the providers ticked for deactivation still ticked, nothing lost; the
message stood alone at the top of the list."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.enrollment import register_coordinator, start_enrollment
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_refused_reactivation_is_said_next_to_its_provider(page, system):
    enrollment = await start_enrollment(system, ["Twin Reactivation Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    providers, ids = f"/api/v1/locations/{location_id}/providers", {}
    for first, number in (("Pat", "MD-2000"), ("Lee", "MD-2001")):
        created = await coordinator.post(providers, json={
            "first_name": first, "middle_initial": "Q", "last_name": "Provider",
            "license_type": "MD", "license_number": number})
        assert created.status_code == 201, created.text
        ids[first] = created.json()["id"]
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b/deactivate_providers")
    await page.get_by_label("Select Pat Q. Provider").check()
    await page.get_by_role("button", name="Deactivate the selected providers").click()
    await expect(page.get_by_text("1 provider deactivated")).to_be_visible()
    twin = await coordinator.post(providers, json={
        "first_name": "Pat", "last_name": "Again", "license_type": "MD",
        "license_number": "MD-2000"})
    assert twin.status_code == 201, twin.text
    await coordinator.aclose()
    await page.reload()

    await page.get_by_label("Select Lee Q. Provider").check()
    await page.get_by_role("button", name="Reactivate Pat Q. Provider").click()
    refused = page.locator(f"#reactivate-{ids['Pat']}-error")
    await expect(refused).to_contain_text("Pat Again is already listed with license MD MD-2000")
    row = page.get_by_role("row").filter(has_text="Deactivated")
    await expect(row.locator(".usa-error-message")).to_contain_text("Pat Again is already")
    await expect(page.get_by_role("button", name="Reactivate Pat Q. Provider")).to_have_attribute(
        "aria-describedby", await refused.get_attribute("id"))
    await expect(page.locator("#error-summary a")).to_contain_text("Reactivate Pat Q. Provider:")
    await expect(page.get_by_label("Select Lee Q. Provider")).to_be_checked()
    await assert_accessible(page)
