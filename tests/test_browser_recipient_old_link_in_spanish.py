"""A Spanish-speaking recipient who corrected their email address and then opens the link of
their (Spanish) invitation, or presses Back and sends the form again, is told in Spanish that
the link is no longer valid and how to get the current one: the record the old link names
says their language. The page was in English, the browser's language (found by the outside
check of the recipient's journey)."""

import pytest
from playwright.async_api import expect

from tests.support.recipients import tag
from tests.test_browser_recipient_form_again_in_spanish import invited_in_spanish

pytestmark = pytest.mark.browser


async def test_an_old_link_says_it_is_no_longer_valid_in_the_recipients_language(page, system):
    _line, old_link = await invited_in_spanish(system, 7)
    await page.goto(old_link)
    for question in ("health_care_worker", "long_term_care", "high_risk_condition",
                     "shared_living"):
        await page.locator(f"#{question}-no").check()
    await page.get_by_label("Correo electrónico").fill(f"nuevo.{tag().lower()}@example.org")
    await page.get_by_role("button", name="Inscribirme").click()
    await expect(page.get_by_text("Sus respuestas están guardadas.")).to_be_visible()

    await page.goto(old_link)  # the invitation's link, from the Spanish email
    await expect(page.get_by_role("heading", name="Este enlace ya no es válido")).to_be_visible()
    assert await page.locator("html").get_attribute("lang") == "es"
