"""A help-desk case's subject is one line (found by the outside check of the help desk): it
heads the case in the console and the subject line of every email about it, so a
text-direction control (shown backwards: "Refund exe.png") or a line break is refused there,
as on the other one-line fields."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.helpdesk import open_case, register_requester
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser
SPOOFED = "Refund \u202egnp.exe"


async def test_a_case_subject_with_a_direction_control_is_refused_on_its_field(page, system):
    requester, email = await register_requester(system)
    forged = await open_case(requester, "other", "Help\r\nBcc: everyone@example.org")
    assert forged.status_code == 422, forged.text
    assert "subject" in forged.json()["errors"]
    await log_in(page, email)
    await page.goto("/help/cases/new")
    await page.get_by_label("What is it about?").select_option("other")
    await page.get_by_label("Subject").fill(SPOOFED)
    await page.get_by_label("Describe the problem or question").fill("My refund file.")
    await page.get_by_role("button", name="Continue").click()  # said before suggestions
    await expect(page.locator("#subject-error")).to_contain_text(
        "Write it on one line, without line breaks, tabs or text-direction characters.")
    await expect(page.get_by_label("Subject")).to_have_value(SPOOFED)
    await expect(page.get_by_label("Describe the problem or question")).to_have_value(
        "My refund file.")
    await assert_accessible(page)
