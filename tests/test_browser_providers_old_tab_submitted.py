"""Step 8 (practicing providers) sent from a tab opened before Section B was submitted: the
provider typed there is created and shown on the step, and the page says the 25-or-more
choice, which the old tab showed as it was, was not changed. It was refused whole ("can no
longer be changed") and the provider typed was gone."""

import pytest
from playwright.async_api import Page, expect

from tests.support.a11y import assert_accessible
from tests.support.enrollment import (
    fill_section_b,
    register_coordinator,
    sign_and_submit,
    start_enrollment,
)
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser

NOT_CHANGED = "Section B was already submitted, so its choice about 25 or more practicing " \
              "providers was not changed"


async def _type_provider(tab: Page, first: str, last: str, number: str) -> None:
    await tab.get_by_label("First name").fill(first)
    await tab.get_by_label("Last name").fill(last)
    await tab.get_by_label("License type").select_option("NP")
    await tab.get_by_label("License number").fill(number)


async def test_an_old_step_8_tab_after_submission_keeps_the_provider_typed(page, system):
    enrollment = await start_enrollment(system, ["Old Tab Providers Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await log_in(page, email)
    step = f"/locations/{location_id}/section-b/providers"
    await page.goto(step)  # the old tab: the 25-or-more choice offered, not chosen
    await expect(page.get_by_label("This location has 25 or more")).not_to_be_checked()
    await fill_section_b(coordinator, location_id, providers=0)  # chosen elsewhere, and
    submitted = await sign_and_submit(coordinator, location_id)  # submitted
    assert submitted.status_code == 200, submitted.text
    await coordinator.aclose()

    await _type_provider(page, "Olive", "Oldtab", "NP-3100")
    await page.get_by_role("button", name="Next", exact=True).click()
    await page.wait_for_url(f"**{step}")
    await expect(page.get_by_text(NOT_CHANGED)).to_be_visible()
    await expect(page.get_by_text("Olive Oldtab was added")).to_be_visible()
    await expect(page.get_by_role("cell", name="Olive Oldtab")).to_be_visible()
    await assert_accessible(page)
    await page.reload()  # listed, not only said
    await expect(page.get_by_role("cell", name="Olive Oldtab")).to_be_visible()
