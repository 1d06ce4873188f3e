"""An organization's "take part in redistribution" saved again from an old tab (its locations
approved) says the officers were already asked, not again that they will be emailed; nothing
is sent twice, and once both signed, saving again says it already takes part."""

import asyncio

import pytest
from playwright.async_api import Page, expect

from models.agreements import DOCUMENTS, DocumentKind
from tests.support.a11y import assert_accessible
from tests.support.inventory import enrolled_sites
from tests.support.review import SIGNING_SUBJECT, reviewer, sign_token, signing_tokens
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser

AGREEMENT = DOCUMENTS[DocumentKind.REDISTRIBUTION_AGREEMENT].title
WILL_EMAIL = f"The CEO and the CMO will each be emailed a link to sign the {AGREEMENT}"
ALREADY_ASKED = ("Your organization already takes part in redistribution, and the CEO and the "
                 f"CMO were already emailed a link to sign the {AGREEMENT}: nothing is sent "
                 "again.")
ALREADY_SIGNED = ("Your organization already takes part in redistribution: the CEO and the "
                  f"CMO have signed the {AGREEMENT}.")


async def _take_part(tab: Page) -> None:
    await tab.locator("#redistribution_participant-1").check()
    await tab.get_by_role("button", name="Save the details").click()
    await tab.wait_for_url("**/organization")


async def test_taking_part_pressed_again_from_an_old_tab_says_it_was_already_asked(page,
                                                                                  system):
    sites = await enrolled_sites(system, ["Again Redist North"], redistribution=False,
                                 state=await reviewer(system))
    enrollment = sites.enrollment
    officers = (("ceo", enrollment.ceo_email), ("cmo", enrollment.cmo_email))
    before = {email: len(system.smtp.find(to=email, subject=SIGNING_SUBJECT))
              for _, email in officers}
    await log_in(page, enrollment.admin_email)
    await expect(page.get_by_role("button", name="Log out")).to_be_visible()
    await page.goto("/organization/details")
    old_tab = await page.context.new_page()
    await old_tab.goto("/organization/details")
    await _take_part(page)
    await expect(page.get_by_text(WILL_EMAIL)).to_be_visible()
    for _, email in officers:  # the request is out
        await system.smtp.wait_for(to=email, subject=SIGNING_SUBJECT, count=before[email] + 1)

    await _take_part(old_tab)
    await expect(old_tab.get_by_text(ALREADY_ASKED)).to_be_visible()
    await expect(old_tab.get_by_text(WILL_EMAIL)).to_have_count(0)
    await assert_accessible(old_tab)
    await asyncio.sleep(2)  # time for a second request, were one asked
    for _, email in officers:
        assert len(system.smtp.find(to=email, subject=SIGNING_SUBJECT)) == before[email] + 1

    for role, email in officers:
        mail = system.smtp.find(to=email, subject=SIGNING_SUBJECT)[-1]
        for token in signing_tokens(mail):
            await sign_token(system, token, role)
    await old_tab.goto("/organization")
    await expect(old_tab.get_by_text("Signed by the CEO and the CMO")).to_be_visible()
    await old_tab.goto("/organization/details")
    await _take_part(old_tab)
    await expect(old_tab.get_by_text(ALREADY_SIGNED)).to_be_visible()
    await expect(old_tab.get_by_text(WILL_EMAIL)).to_have_count(0)
