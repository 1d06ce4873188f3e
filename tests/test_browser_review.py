"""Officer signing and the review console in a real browser."""

import pytest
from playwright.async_api import Page, expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_tokens, wait_for_status
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def draw(page: Page) -> None:
    await page.get_by_label("Draw my signature").check()
    box = await page.locator("[data-pad]").bounding_box()
    await page.mouse.move(box["x"] + 30, box["y"] + 80)
    await page.mouse.down()
    for step in range(1, 10):
        await page.mouse.move(box["x"] + 30 + step * 30, box["y"] + 80 - (step % 2) * 30)
    await page.mouse.up()


async def test_officer_signs_in_the_browser_and_the_reviewer_decides(page, system):
    enrollment = await start_enrollment(system, ["Console Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    ceo_mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    await page.goto(ceo_mail.link("/sign/"))
    await expect(page.get_by_role("heading", name="CDC COVID-19 Vaccination Program")).to_be_visible()
    await expect(page.get_by_role("cell", name="Console Clinic")).to_be_visible()
    await assert_accessible(page)
    await draw(page)
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.locator("#consent .usa-error-message")).to_contain_text("agree to sign")
    await assert_accessible(page)
    await draw(page)
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    await assert_accessible(page)
    await page.goto(ceo_mail.link("/sign/"))
    await expect(page.get_by_role("alert")).to_contain_text("already used")
    await assert_accessible(page)
    cmo_token = signing_tokens(await system.smtp.one(to=enrollment.cmo_email,
                                                     subject=SIGNING_SUBJECT))[0]
    assert (await sign_token(system, cmo_token, "cmo")).status_code == 201
    await wait_for_status(system, location_id, "pending_review")

    staff = await make_user(system, Role.REVIEWER)
    await page.context.clear_cookies()
    await log_in(page, staff.email)
    await page.goto("/review")
    await assert_accessible(page)
    await page.get_by_role("link", name="Console Clinic").click()
    await expect(page.get_by_role("img", name="Drawn signature of CEO Person")).to_be_visible()
    await expect(page.get_by_role("img", name="Inside of Helmer HPR105")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("alert").first).to_contain_text("Give the reason")
    # on the reason itself, and named so in the summary (it was "Decision", the field unmarked)
    await expect(page.locator("#reason-error")).to_contain_text("Give the reason")
    await expect(page.locator("#error-summary")).to_contain_text("Reason")
    await assert_accessible(page)
    await page.get_by_label("Reason").fill("Thermometer not visible in photos")
    # The reason's limit is said, and what is left of it counted as one types (USWDS)
    await expect(page.locator(".usa-character-count__status")).to_have_text(
        "967 characters left")
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("status")).to_contain_text("Console Clinic was rejected")
    await assert_accessible(page)
    mail = await system.smtp.one(to=email, subject="Thermometer not visible")
    assert enrollment.admin_email in mail.cc
