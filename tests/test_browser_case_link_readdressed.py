"""A public question asked with a mistyped address, in a browser: the agent corrects the
address on the case page (a bad one named beside its field, what was typed kept; the
correction on the case's history), the old link's page says it is no longer valid and offers
the current link by email, and that form answers the same whether or not the address is on
file. In English and Spanish, accessible."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.link_asks import ask_for_the_current_link, ask_in_spanish
from tests.support.web import unique_email
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_an_agent_corrects_the_address_and_the_old_link_offers_the_current_one(
        page, chromium, system):
    wrong = unique_email("typo-browser")
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Noa Browser", "question": "Can I change my appointment day?",
            "email": wrong, "language": "en"})
    assert asked.status_code == 201, asked.text
    case_id = asked.json()["id"]
    old_link = (await system.smtp.one(to=wrong, subject="We received your case")).link(
        "/help/c/")

    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients", first_name="Ida")
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case_id}")
    field = page.get_by_label("Corrected email address")
    await expect(field).to_have_value(wrong)
    await field.fill("noa at example")
    await page.get_by_role("button", name="Correct the email address").click()
    await expect(page.locator("#requester_email-error")).to_contain_text(
        "Enter an email address like name@example.org.")
    await expect(page.get_by_label("Corrected email address")).to_have_value("noa at example")
    await assert_accessible(page)
    right = unique_email("right-browser")
    await page.get_by_label("Corrected email address").fill(right)
    await page.get_by_role("button", name="Correct the email address").click()
    await expect(page.get_by_role("list", name="Corrections of the requester's email address")
                 ).to_contain_text(f"Ida agent corrected it from {wrong} to {right}")
    await assert_accessible(page)
    new_link = (await system.smtp.one(to=right, subject="updated")).link("/help/c/")

    visitor = await (await chromium.new_context(base_url=system.base_url)).new_page()
    try:
        await ask_for_the_current_link(
            visitor, old_link, "Get the link to your case", right,
            "If a question to the help desk was asked with this email address")
        asked_for = await system.smtp.wait_for(to=right, subject="updated", count=2)
        assert asked_for[-1].link("/help/c/") == new_link
        await visitor.goto(new_link)
        await expect(visitor.get_by_role("heading", level=1)).to_have_text(
            f"Case CS{case_id:07d}")
        await expect(visitor.get_by_text("Can I change my appointment day?")).to_be_visible()

        # in Spanish, from the language switch of the old link's page
        await ask_in_spanish(visitor, old_link, "Reciba el enlace a su caso")
    finally:
        await visitor.context.close()
