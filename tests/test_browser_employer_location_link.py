"""State staff link an organization they created to a vaccinating location, in a real browser:
a name typed in part is refused beside the field with the site it may mean, what was typed
kept; the suggestion's label links it, and the page says what that changed."""

import uuid

import pytest
from playwright.async_api import expect

from api.domain.state_lists import pin
from tests.support.a11y import assert_accessible
from tests.test_browser_enrollment import log_in
from tests.test_employer_location_link import enrolled_manager, state_organization

pytestmark = pytest.mark.browser


async def test_state_staff_link_an_organization_to_a_site(page, system):
    tag = uuid.uuid4().hex[:8]
    lm = await enrolled_manager(system, f"Lighthouse {tag} Clinic")
    staff, _state, employer = await state_organization(system, f"Keepers {tag}")
    await log_in(page, staff.email)
    await page.goto(f"/portal/organizations/{employer}")
    await expect(page.get_by_text("is not linked to a vaccinating location yet")).to_be_visible()
    await assert_accessible(page)
    field = page.get_by_label("Vaccinating location")
    await field.fill(f"Lighthouse {tag}")
    await page.get_by_role("button", name=f"Link Keepers {tag} to this location").click()
    refused = page.locator("#link-location-error")
    await expect(refused).to_contain_text(
        f"Did you mean Lighthouse {tag} Clinic — Raleigh ({pin(lm.location_id)})?")
    await expect(page.get_by_label("Vaccinating location")).to_have_value(f"Lighthouse {tag}")
    await expect(page.locator("#error-summary a")).to_contain_text("Vaccinating location:")
    await assert_accessible(page)

    await page.get_by_label("Vaccinating location").fill(
        f"Lighthouse {tag} Clinic — Raleigh ({pin(lm.location_id)})")
    await page.get_by_role("button", name=f"Link Keepers {tag} to this location").click()
    notice = page.get_by_role("status")
    await expect(notice).to_contain_text(
        f"Keepers {tag} is linked to Lighthouse {tag} Clinic ({pin(lm.location_id)})")
    await expect(notice).to_contain_text("validated points of contact can upload")
    await expect(page.get_by_text(f"is linked to Lighthouse {tag} Clinic")).to_have_count(2)
    await assert_accessible(page)
