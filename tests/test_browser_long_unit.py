"""Found by the outside check (keyboard enrollment): a storage unit whose model is 80 letters
with no space (the field's limit) made Section B step 7's table scroll sideways at 1280 px, by
more on the "Remove ...?" question, and the Remove button ran off the page; the question, once
asked, left focus at the top of the page, unannounced."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.enrollment import (
    add_storage_unit,
    fill_section_b,
    photo,
    register_coordinator,
    sign_and_submit,
    start_enrollment,
)
from tests.test_browser_enrollment import log_in

# What a page looks like and how it reads does not depend on the database: SQLite pass only.
pytestmark = [pytest.mark.browser, pytest.mark.once]

MODEL = "X" * 80


async def test_a_long_unit_model_wraps_and_its_removal_question_takes_focus(page, system):
    (email, location_id), = (await start_enrollment(system, ["Long Model Clinic"])).locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    added = await add_storage_unit(coordinator, location_id, photo(), photo("white"), model=MODEL)
    assert added.status_code == 201, added.text
    await log_in(page, email)
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    await page.goto(f"/locations/{location_id}/section-b/storage")
    await assert_accessible(page)  # no sideways scrolling at 1280 and 390 px
    await page.get_by_role("button", name=f"Remove Helmer {MODEL}").focus()
    await page.keyboard.press("Enter")
    question = page.get_by_text(f"Remove the storage unit Helmer {MODEL} and its photos?")
    await expect(question).to_be_visible()
    await expect(page.locator("[role=alert]:has-text('Remove the storage unit')")).to_be_focused()
    await assert_accessible(page)
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name=f"Yes, remove Helmer {MODEL}")).to_be_focused()
    await page.goto(f"/locations/{location_id}/section-b/agreement")
    await expect(page.get_by_text(f"Helmer {MODEL} (refrigerator)")).to_be_visible()
    await assert_accessible(page)
    submitted = await sign_and_submit(coordinator, location_id)
    assert submitted.status_code == 200, submitted.text
    await page.get_by_role("button", name="Log out").click()
    reviewer = await make_user(system, Role.REVIEWER, first_name="Rita")
    await log_in(page, reviewer.email)
    await page.goto(f"/review/locations/{location_id}")
    await expect(page.get_by_role("cell", name=f"Helmer {MODEL} (refrigerator)")).to_be_visible()
    await assert_accessible(page)
