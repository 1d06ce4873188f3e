"""An officer of a redistributing organization signs in the browser: the thank-you page says
what is still unsigned and offers a copy of what was signed."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT

pytestmark = pytest.mark.browser


async def test_the_thank_you_page_names_what_is_left_and_offers_a_copy(page, system):
    enrollment = await start_enrollment(system, ["Copy Clinic"], redistribution=True)
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    await page.goto(mail.link("/sign/"))
    await expect(page.get_by_role("cell", name="Complete")).to_be_visible()
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    await expect(page.get_by_text("Still waiting for your signature")).to_be_visible()
    await expect(page.get_by_text("Supplemental COVID-19 Vaccine Redistribution")).to_be_visible()
    await assert_accessible(page)
    href = await page.get_by_role("link", name="Download a copy of what you signed").get_attribute(
        "href")
    copy = await page.request.get(href)
    assert copy.ok and copy.headers["content-type"] == "application/pdf"
    assert (await copy.body()).startswith(b"%PDF")
