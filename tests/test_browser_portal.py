"""The provider portal in a real browser: a manager invites a Healthcare Provider and a
read-only user; each chooses a password from the email and sees exactly their tabs."""

import uuid

import pytest
from playwright.async_api import Page, expect

from tests.support.a11y import assert_accessible
from tests.support.inventory import enrolled_sites
from tests.support.portal import INVITATION, also_manages, user_id
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
    sites = await enrolled_sites(system, ["Tabs Clinic", "Tabs Annex"], redistribution=False,
                                 state=state)
    location, annex = sites.ids
    await also_manages(system, await user_id(system, sites.emails[location]), annex)
    await log_in(page, sites.emails[location])
    assert await tabs(page) == MANAGER_TABS
    await assert_accessible(page)
    await page.get_by_label("Active location").select_option(
        label="Tabs Annex (Healthcare Location Manager)")
    await page.get_by_role("button", name="Switch location").click()
    await expect(page.get_by_role("status")).to_contain_text("now working at Tabs Annex")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tabs Annex")
    await assert_accessible(page)
    await page.get_by_role("navigation", name="Portal tabs").get_by_role(
        "link", name="Vaccine Inventory").click()
    await expect(page).to_have_url(f"{system.base_url}/inventory/{annex}")
    await page.get_by_label("Active location").select_option(
        label="Tabs Clinic (Healthcare Location Manager)")
    await page.get_by_role("button", name="Switch location").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tabs Clinic")
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


async def password_link_in_the_header(page: Page, width: int) -> None:
    """Every logged-in person finds "Change your password" in the header, on a phone behind
    the menu button."""
    await page.set_viewport_size({"width": width, "height": 900})
    menu = page.get_by_role("button", name="Menu")
    if await menu.is_visible():
        await menu.click()
    link = page.get_by_role("link", name="Change your password")
    await expect(link).to_be_visible()
    await assert_accessible(page, widths=(width,))
    await link.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    await page.go_back()
    await page.set_viewport_size({"width": 1280, "height": 900})


async def test_organization_management_validation_and_the_organization_portal(page, system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Employer Clinic"], redistribution=False, state=state)
    (location,) = sites.ids
    await log_in(page, sites.emails[location])
    for width in (1280, 390):
        await password_link_in_the_header(page, width)
    await page.get_by_role("link", name="Organization Management").click()
    await page.get_by_label("Organization name").fill("Pi")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#q-error")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_label("Organization name").fill("Piedmont Bakers")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("No organization has this name yet.")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="New organization").click()
    await page.get_by_label("Organization name").fill("Piedmont Bakers")
    await page.get_by_label("Industry").select_option("Food and agriculture")
    await page.get_by_role("button", name="Create organization").click()
    await expect(page.locator("#street-error")).to_contain_text("This field is required.")
    await expect(page.get_by_label("Organization name")).to_have_value("Piedmont Bakers")
    await assert_accessible(page)
    await page.get_by_label("Street address").fill("5 Oven Way")
    await page.get_by_label("City").fill("Durham")
    await page.get_by_label("ZIP code").fill("27701")
    await page.get_by_role("button", name="Create organization").click()
    await expect(page.get_by_role("status")).to_contain_text("is created")
    await assert_accessible(page)
    email = unique_email("poc")
    await page.locator("#contact-first_name").fill("Morgan")
    await page.locator("#contact-last_name").fill("Baker")
    await page.locator("#contact-email").fill(email)
    await page.get_by_role("button", name="Create point of contact").click()
    await expect(page.get_by_role("status")).to_contain_text("validation link (48 hours)")
    await expect(page.get_by_role("cell", name="Waiting for validation")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Correct Morgan Baker").click()  # a typo's way back
    await page.get_by_label("First name").fill("")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator("#first_name-error")).to_contain_text("This field is required.")
    await assert_accessible(page)
    await page.get_by_label("First name").fill("Morgan")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("Saved.")

    mail = await system.smtp.one(to=email, subject="Validate your access")
    await page.context.clear_cookies()
    await page.goto(mail.link("/org-contact/validate/"))
    await assert_accessible(page)
    await page.locator("#password").fill(PASSWORD)
    await page.get_by_label("Type the password again").fill(PASSWORD)
    await page.get_by_role("button", name="Validate").click()
    await expect(page.get_by_role("status")).to_contain_text("Your access is validated")
    await system.smtp.one(to=email, subject="Welcome to the CVMS Organization Portal")
    await log_in(page, email)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Piedmont Bakers")
    await assert_accessible(page)
    await password_link_in_the_header(page, 390)
    await page.get_by_role("button", name="Confirm these details").click()
    await expect(page.get_by_role("status")).to_contain_text("details are confirmed")
    await expect(page.get_by_role("heading", name="Employee bulk upload")).to_be_visible()
    await assert_accessible(page)


async def test_the_deactivation_question_takes_focus(page, system):
    """Found by the outside check (keyboard only): pressing "Deactivate <person>" brought the
    page back with the question "Deactivate <person>? ..." and its "Yes" button far below, but
    focus at the top of the page and the question unannounced; it now takes focus, and Tab
    reaches "Yes, deactivate" next."""
    sites = await enrolled_sites(system, ["Keyboard Clinic"], redistribution=False,
                                 state=await reviewer(system))
    await log_in(page, sites.emails[sites.ids[0]])
    await add_contact(page, system, "Healthcare Provider", "Dana")
    await page.get_by_role("button", name="Deactivate Dana Browser").focus()
    await page.keyboard.press("Enter")
    question = page.locator("[role=alert]:has-text('Deactivate Dana Browser?')")
    await expect(question).to_be_visible()
    await expect(question).to_be_focused()
    await assert_accessible(page)
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Yes, deactivate Dana Browser")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("is deactivated and signed out")
