"""The help desk's refused forms in a real browser: what was typed or attached is kept, or
taken off by choice, and every state passes axe."""

from datetime import UTC, datetime

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.enums import Role
from models.helpdesk import Case, CaseStatus
from models.helpdesk_rules import REOPENING_ENDED
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.helpdesk import open_case, register_requester
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def closed_meanwhile(system, case_id: int) -> None:
    """The case closes (its reopening period ended) while the agent's page is open."""
    async with system.sessions() as session:
        case = (await session.exec(select(Case).where(Case.id == case_id))).one()
        case.status, case.closed_reason = CaseStatus.CLOSED, REOPENING_ENDED
        case.closed_at = datetime.now(UTC)
        session.add(case)
        await session.commit()


async def test_a_reply_on_a_case_closed_meanwhile_is_kept_with_the_agents_words(page, system):
    requester, _email = await register_requester(system)
    async with requester:
        case = (await open_case(requester, "other", "Closes while I type")).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general", first_name="Ada")
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case['id']}")
    typed = "Try clearing the cache, then sign in again."
    await page.get_by_label("Message").fill(typed)
    await closed_meanwhile(system, case["id"])
    await page.get_by_role("button", name="Reply to the requester").click()
    kept = page.get_by_label("Your reply, not sent")
    await expect(kept).to_have_value(typed)
    await expect(kept).to_have_attribute("readonly", "")
    description = await kept.evaluate(
        "e => e.getAttribute('aria-describedby').split(' ').map(i => "
        "document.getElementById(i).textContent).join(' ')")
    assert "the reopening period ended" in description and "not reopened" in description
    assert "Open a new case if you still need help" not in await page.content()
    await page.locator("#error-summary a[href='#unsent-message']").click()
    await expect(kept).to_be_focused()
    await assert_accessible(page)


async def test_a_kept_file_is_removed_before_sending_by_keyboard(page, system):
    _client, email = await register_requester(system)
    await log_in(page, email)
    await page.goto("/help/cases/new")
    await page.get_by_label("What is it about?").select_option("other")
    await page.get_by_label("Subject").fill("My card")
    await page.get_by_label("Describe the problem").fill("Here is my card.")
    await page.locator("input#attachments").set_input_files(files=[
        {"name": "card.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 card"},
        {"name": "bank-statement.pdf", "mimeType": "application/pdf",
         "buffer": b"%PDF-1.4 not for you"}])
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_text("Already attached")).to_be_visible()
    wrong = page.get_by_role("checkbox", name="Remove bank-statement.pdf")
    await expect(wrong).not_to_be_checked()
    await expect(page.get_by_role("checkbox", name="Remove card.pdf")).to_be_visible()
    await assert_accessible(page)
    await wrong.focus()
    await page.keyboard.press("Space")
    await expect(wrong).to_be_checked()
    await assert_accessible(page)
    await page.get_by_role("button", name="Submit the case").click()
    await expect(page.get_by_role("status")).to_contain_text("is open")
    await expect(page.get_by_role("link", name="card.pdf")).to_be_visible()
    await expect(page.get_by_role("link", name="bank-statement.pdf")).to_have_count(0)
    await assert_accessible(page)


async def test_an_agent_takes_a_kept_file_off_a_refused_reply(page, system):
    requester, _email = await register_requester(system)
    async with requester:
        case = (await open_case(requester, "other", "Which file?")).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general", first_name="Ada")
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case['id']}")
    await page.locator("input#attachments").set_input_files(files=[
        {"name": "wrong.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 wrong"}])
    await page.get_by_role("button", name="Reply to the requester").click()  # no message
    wrong = page.get_by_role("checkbox", name="Remove wrong.pdf")
    await expect(wrong).to_be_visible()
    await assert_accessible(page)
    await wrong.check()
    await page.get_by_label("Message").fill("No file after all.")
    await page.get_by_role("button", name="Reply to the requester").click()
    await expect(page.get_by_role("status")).to_contain_text("reply was sent")
    await expect(page.get_by_role("link", name="wrong.pdf")).to_have_count(0)
