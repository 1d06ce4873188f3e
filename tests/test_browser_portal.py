"""The provider portal in a real browser: a manager invites a Healthcare Provider and a
read-only user; each chooses a password from the email and sees exactly their tabs."""

import uuid

import pytest
from playwright.async_api import Page, expect

from tests.support.a11y import assert_accessible
from tests.support.inventory import enrolled_sites
from tests.support.portal import INVITATION
from tests.support.review import reviewer
from tests.support.web import PASSWORD, unique_email
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser
MANAGER_TABS = ["Home", "Recipients", "Appointments", "Bulk Registration", "Vaccine Inventory",
                "Shipments", "Reports", "Account Management", "Organization Management", "Help"]
PROVIDER_TABS = ["Home", "Recipients", "Appointments", "Help"]


async def tabs(page: Page) -> list[str]:
    return await page.get_by_role("navigation", name="Portal tabs").get_by_role(
        "link").all_inner_texts()


async def add_contact(page: Page, system, profile: str, first_name: str) -> str:
    email = unique_email(first_name.lower())
    await page.goto("/portal/accounts/new")
    await page.get_by_label("First name").fill(first_name)
    await page.get_by_label("Last name").fill("Browser")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Profile").select_option(label=profile)
    await page.get_by_label("Login username").fill(f"{first_name.lower()}.{uuid.uuid4().hex[:5]}")
    await page.get_by_role("button", name="Save and send the invitation").click()
    await expect(page.get_by_role("status")).to_contain_text("emailed an invitation")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"{first_name} Browser")
    await assert_accessible(page)
    return email


async def choose_password(page: Page, system, email: str) -> None:
    mail = await system.smtp.one(to=email, subject=INVITATION)
    await page.context.clear_cookies()
    await page.goto(mail.link("/account/invitation/"))
    await assert_accessible(page)
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await page.get_by_role("button", name="Save my password").click()
    await expect(page.get_by_role("status")).to_contain_text("Your password is saved")
    await log_in(page, email)
    await expect(page).to_have_url(f"{system.base_url}/portal")
    await assert_accessible(page)


async def test_invited_staff_choose_a_password_and_see_their_tabs(page, system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Tabs Clinic"], redistribution=False, state=state)
    (location,) = sites.ids
    await log_in(page, sites.emails[location])
    assert await tabs(page) == MANAGER_TABS
    await assert_accessible(page)
    await page.get_by_role("link", name="Account Management").click()
    await page.get_by_label("Name", exact=True).fill("Br")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#name-error")).to_contain_text("at least 3 characters")
    await assert_accessible(page)
    provider = await add_contact(page, system, "Healthcare Provider", "Casey")
    readonly = await add_contact(page, system, "Healthcare Provider (read-only)", "Riley")
    await page.goto("/portal/accounts?name=Browser")
    await expect(page.get_by_role("link", name="Casey Browser")).to_be_visible()
    await expect(page.get_by_role("link", name="Riley Browser")).to_be_visible()

    await choose_password(page, system, provider)
    assert await tabs(page) == PROVIDER_TABS
    await expect(page.get_by_role("link", name="Find or register a recipient")).to_be_visible()
    await page.get_by_role("link", name="Recipients").click()
    await assert_accessible(page)

    await choose_password(page, system, readonly)
    assert await tabs(page) == PROVIDER_TABS
    await expect(page.locator("main .usa-button")).to_have_count(0)
    await expect(page.locator("main")).to_contain_text("read-only")
    refused = await page.goto("/inventory")
    assert refused.status == 403
    await assert_accessible(page)
