"""A Location Manager corrects a recipient's mistyped email address in a browser: from the
recipient's page to the form, a bad address named next to its field and kept, then saved; the
page says the new address was emailed a new link and the old one no longer works. Accessible
at both widths."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.recipients import tag
from tests.test_browser_enrollment import log_in
from tests.test_recipient_contact_correction import invited_with_typo

pytestmark = pytest.mark.browser

INVITED = "Register for your COVID-19 vaccination"


async def test_a_manager_corrects_an_address_in_the_form(page, system):
    site, line, recipient_id, old_link = await invited_with_typo(system, "Contact Form Clinic")

    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/recipients/people/{recipient_id}")
    await page.get_by_role("link", name="Correct their email address or phone").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("email address and phone")
    await expect(page.get_by_label("Email address")).to_have_value(line[4])
    await assert_accessible(page)

    await page.get_by_label("Email address").fill("not an address")
    await page.get_by_role("button", name="Save contact details").click()
    await expect(page.locator("#email-error")).to_contain_text(
        "Enter an email address like name@example.org.")
    await expect(page.get_by_label("Email address")).to_have_value("not an address")
    await expect(page.locator("#error-summary")).to_contain_text("Email address")
    await assert_accessible(page)
    await page.set_viewport_size({"width": 390, "height": 800})
    assert await page.evaluate("document.documentElement.scrollWidth <= 390"), "no sideways scroll"
    await assert_accessible(page)
    await page.set_viewport_size({"width": 1280, "height": 800})

    right = f"form.{tag().lower()}@example.org"
    await page.get_by_label("Email address").fill(right)
    await page.get_by_role("button", name="Save contact details").click()
    await expect(page.get_by_role("status")).to_contain_text(
        f"We emailed an invitation with a new link to {right}; the old link no longer works.")
    await expect(page.locator(".cvms-dl")).to_contain_text(right)
    await assert_accessible(page)

    new_link = (await system.smtp.one(to=right, subject=INVITED)).link("/r/")
    await page.goto(old_link)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link is no longer valid")
    await page.goto(new_link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Register for vaccination")
    assert line[0] in await page.content()
