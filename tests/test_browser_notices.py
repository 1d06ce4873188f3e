"""Saving from a page ends on a notice that can carry any language's text (issue 16, item 3).

The notice travels in a cookie; before it was percent-encoded, a curly quote or a Vietnamese
name made the redirect answer 500 after the row was already stored.
"""

import pytest
from playwright.async_api import Page, expect
from sqlmodel import func, select

from models.enrollment import PracticingProvider
from models.enums import Role
from models.helpdesk import Article
from tests.support.accounts import make_user
from tests.support.enrollment import register_coordinator, start_enrollment
from tests.support.web import PASSWORD

pytestmark = pytest.mark.browser


async def log_in(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()


async def count(system, statement) -> int:
    async with system.sessions() as session:
        return (await session.exec(statement)).one()


async def test_a_knowledge_base_article_is_saved_from_its_page(page, system):
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await log_in(page, agent.email)
    await page.goto("/helpdesk/kb")
    title = "Ordering for a clinic in Asheville – Nguyễn’s checklist"
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Article").fill("Café hours: check the shipment window first.")
    await page.get_by_role("button", name="Save the article").click()
    await expect(page.get_by_role("status")).to_have_text(f"“{title}” is saved.")
    await expect(page.get_by_role("link", name=title, exact=True)).to_have_count(1)
    stored = select(func.count()).select_from(Article).where(Article.title == title)
    assert await count(system, stored) == 1


async def test_providers_named_in_any_language_are_added_once_each(page, system):
    enrollment = await start_enrollment(system, ["Unicode Clinic"])
    email, location_id = next(iter(enrollment.locations.items()))
    await (await register_coordinator(system, email)).aclose()
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b/providers")
    for first, last, number in (("Nguyễn Văn", "An", "MD-771"), ("Seán", "O’Brien", "NP-772")):
        await page.get_by_label("First name").fill(first)
        await page.get_by_label("Last name").fill(last)
        await page.get_by_label("License type").select_option("MD")
        await page.get_by_label("License number").fill(number)
        await page.get_by_role("button", name="Create provider").click()
        await expect(page.get_by_role("status")).to_have_text(f"{first} {last} was added.")
        stored = select(func.count()).select_from(PracticingProvider).where(
            PracticingProvider.location_id == location_id, PracticingProvider.last_name == last)
        assert await count(system, stored) == 1
