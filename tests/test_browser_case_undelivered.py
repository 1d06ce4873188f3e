"""A case whose requester's address bounces: the agent's page says which email went nowhere, what
the mail server said and what to do, readable at a desktop and a phone width (axe-core), and the
agent corrects the address from it."""

import asyncio
import uuid

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.smtp import NO_SUCH_USER
from tests.support.web import unique_email
from tests.test_browser_enrollment import log_in

pytestmark = [pytest.mark.browser, pytest.mark.once]


async def test_the_agent_reads_which_email_bounced_and_corrects_the_address(page, system):
    gone = f"{NO_SUCH_USER}{uuid.uuid4().hex[:8]}@example.org"
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Pat Public", "email": gone, "question": "Is the Elm St clinic open late?"})
    case_id = asked.json()["id"]
    agent = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    await log_in(page, agent.email)
    alert = page.get_by_role("region", name="1 email could not be delivered")
    for _ in range(50):  # the process's first email is refused a moment after the case opens
        await page.goto(f"/helpdesk/cases/{case_id}")
        if await alert.count():
            break
        await asyncio.sleep(0.2)
    await expect(alert).to_contain_text(f"to {gone}. The mail server said:")
    await expect(alert).to_contain_text("550 5.1.1 No such user here")
    await expect(alert).to_contain_text("It will not be sent again. Reach the requester another "
                                        "way, or correct the requester's email address below.")
    await assert_accessible(page)
    await page.set_viewport_size({"width": 390, "height": 844})
    await assert_accessible(page)

    right = unique_email("right")
    await page.get_by_label("Corrected email address").fill(right)
    await page.get_by_role("button", name="Correct the email address").click()
    mail = await system.smtp.one(to=right)
    assert f"/help/c/{case_id}/" in mail.text
    await expect(alert).to_contain_text("The requester's email address has been corrected "
                                        f"since: emails now go to {right}.")
    await assert_accessible(page)
