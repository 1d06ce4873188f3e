"""Two agents editing the same knowledge-base article: the later save does not wipe out the
earlier one without a word."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.web import api_client
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_an_article_changed_since_its_form_was_opened_is_not_overwritten(page, system):
    """An agent opened an article's form; another agent corrected the article meanwhile; the
    first agent's Save replaced it with their older text, the correction lost and nobody told.
    The save is now refused, saying the article changed; the agent's text is kept in the form
    and the article as saved now is shown beside it. Saved again, it is the agent's choice."""
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    other = await api_client(system, (await make_user(system, Role.HELPDESK_AGENT,
                                                      team="general")).email)
    made = (await other.post("/api/v1/helpdesk/articles", json={
        "title": "Reporting wastage", "body": "Report it within a week.",
        "published": True})).json()
    await log_in(page, agent.email)
    await page.goto(f"/helpdesk/kb/{made['id']}")
    await page.get_by_label("Article").fill("Report it the same day, with the lot number.")
    corrected = await other.put(f"/api/v1/helpdesk/articles/{made['id']}", json={
        "title": "Reporting wastage", "body": "Report it within 24 hours.", "published": True},
        headers={"If-Match": made["version"]})
    assert corrected.status_code == 200
    await page.get_by_role("button", name="Save the article").click()
    await expect(page.locator("#error-summary")).to_contain_text("changed since you opened")
    await expect(page.get_by_label("Article")).to_have_value(
        "Report it the same day, with the lot number.")
    await expect(page.locator("#kb-saved-now")).to_have_value("Report it within 24 hours.")
    await assert_accessible(page)
    saved = (await other.get("/api/v1/helpdesk/articles", params={"q": "wastage"})).json()
    assert [a["body"] for a in saved if a["id"] == made["id"]] == ["Report it within 24 hours."]
    await page.get_by_role("button", name="Save the article").click()  # seen, and meant
    await expect(page.get_by_role("status")).to_contain_text("is saved")
    saved = (await other.get("/api/v1/helpdesk/articles", params={"q": "wastage"})).json()
    assert [a["body"] for a in saved if a["id"] == made["id"]] == [
        "Report it the same day, with the lot number."]
