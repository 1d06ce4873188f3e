"""The proof of vaccination's page opened before any dose is recorded (from the status page's
link, or a bookmark) says what happens next, in the person's language, as its PDF's answer does:
it showed an empty table, "No dose is recorded yet.", and nothing more (found by the outside
check of the recipient's journey)."""

import pytest
from playwright.async_api import expect

from tests.test_browser_recipient_form_again_in_spanish import invited_in_spanish

pytestmark = pytest.mark.browser


async def test_the_proof_page_before_any_dose_says_what_happens_next(page, system):
    _line, link = await invited_in_spanish(system, 8)
    await page.goto(link + "/proof")
    await expect(page.get_by_role("heading", name="Su comprobante de vacunación")).to_be_visible()
    await expect(page.get_by_text("Cuando se vacune, el lugar de vacunación registrará su dosis")
                 ).to_be_visible()
    await expect(page.get_by_role("link", name="Descargar el PDF")).to_have_count(0)
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_text("When you are vaccinated, the vaccination site records your "
                                  "dose")).to_be_visible()
