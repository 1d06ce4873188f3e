"""Deactivating a point of contact who left, in a real browser: the question takes focus and
"Yes" is the next stop for the keyboard; a press from an older tab is refused beside its
button (and in the error summary); reactivating gives the access back."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.recipients import location_manager
from tests.support.web import api_client
from tests.test_browser_enrollment import log_in
from tests.test_contact_deactivation import contact, organization, validate

pytestmark = pytest.mark.browser


async def test_a_contact_who_left_is_deactivated_after_a_question(page, system):
    lm = await location_manager(system)
    manager = await api_client(system, lm.email)
    employer = await organization(manager, "Browser Leavers")
    person, _email, token = await contact(system, manager, employer, "Quinn")
    assert (await validate(system, token)).status_code == 204
    await log_in(page, lm.email)
    await page.goto(f"/portal/organizations/{employer}")
    older = await page.context.new_page()  # a second tab, opened before the deactivation
    await older.goto(f"/portal/organizations/{employer}")

    await page.get_by_role("button", name="Deactivate Quinn Leaver").focus()
    await page.keyboard.press("Enter")
    question = page.locator("[role=alert]:has-text('Deactivate Quinn Leaver?')")
    await expect(question).to_be_focused()
    await expect(question).to_contain_text("the only active point of contact")
    await assert_accessible(page)
    await page.keyboard.press("Tab")
    yes = page.get_by_role("button", name="Yes, deactivate Quinn Leaver")
    await expect(yes).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text(
        "Quinn Leaver is deactivated: they are signed out")
    await expect(page.get_by_role("status")).to_contain_text("no active point of contact")
    await expect(page.get_by_role("cell", name="Deactivated on")).to_be_visible()
    await assert_accessible(page)

    await older.get_by_role("button", name="Deactivate Quinn Leaver").click()
    refused = older.locator(f"#reactivate-{person}-error")
    await expect(refused).to_contain_text("already deactivated")
    await expect(older.get_by_role("button", name="Reactivate Quinn Leaver")).to_have_attribute(
        "aria-describedby", f"reactivate-{person}-error")
    await expect(older.locator("#error-summary a")).to_contain_text("Reactivate Quinn Leaver:")
    await assert_accessible(older)

    await page.get_by_role("button", name="Reactivate Quinn Leaver").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "Quinn Leaver is active again and can log in")
    await expect(page.get_by_role("button", name="Deactivate Quinn Leaver")).to_be_visible()
    await assert_accessible(page)
